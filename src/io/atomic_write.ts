/**
 * Writing a file so that readers see either the old file or the complete new one: write a temp
 * file in the same directory, then rename it over the target.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";

/**
 * Writes the text pieces to `path` atomically (temp file `.<name>.<random>.tmp` beside it, then
 * rename; the temp file is removed on failure). Creates the parent directory if needed.
 * Pieces are encoded and written in batches, so a run never has to be one string.
 *
 * @example
 * ```ts
 * import { atomicWrite } from "./atomic_write.ts";
 * await atomicWrite("out/run.json", ["{", "}"]);
 * ```
 */
export async function atomicWrite(path: string, pieces: Iterable<string>): Promise<void> {
  const dir = dirname(path);
  await Deno.mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  const encoder = new TextEncoder();
  try {
    {
      using file = await Deno.open(temp, { write: true, createNew: true });
      let batch = "";
      for (const piece of pieces) {
        batch += piece;
        if (batch.length >= 1 << 20) {
          await writeAll(file, encoder.encode(batch));
          batch = "";
        }
      }
      if (batch) await writeAll(file, encoder.encode(batch));
      await file.sync();
    }
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await file.write(bytes.subarray(offset));
}
