/**
 * Writing a file so that readers see either the old file or the complete new one: write a temp
 * file in the same directory, then rename it over the target (or, when the target must not be
 * replaced, hard-link it there, which fails if the target exists).
 *
 * @module
 */

import { basename, dirname, join } from "node:path";

/** Options of {@link atomicWrite}. */
export interface AtomicWriteOptions {
  /** Replace an existing file at the path (default true); false throws AlreadyExists instead. */
  overwrite?: boolean;
}

/**
 * Writes the pieces (text, or bytes) to `path` atomically (temp file `.<name>.<random>.tmp` beside it, then
 * rename; the temp file is removed on failure). Creates the parent directory if needed.
 * Pieces are encoded and written in batches, so a run never has to be one string. Any failure
 * (a full disk, no permission) throws an error of the same class whose message names `path`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { atomicWrite } from "./atomic_write.ts";
 * const dir = await Deno.makeTempDir();
 * await atomicWrite(`${dir}/run.json`, ["{", "}"]);
 * assert.equal(await Deno.readTextFile(`${dir}/run.json`), "{}");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function atomicWrite(
  path: string,
  pieces: Iterable<string | Uint8Array>,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  try {
    await Deno.mkdir(dir, { recursive: true });
    await writeTemp(temp, pieces);
    if (options.overwrite === false) {
      await placeWithoutReplacing(temp, path);
    } else {
      await Deno.rename(temp, path);
    }
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw naming(error, path);
  }
}

/** Moves temp to path unless path exists (then AlreadyExists). */
async function placeWithoutReplacing(temp: string, path: string): Promise<void> {
  try {
    // link fails when path exists, so a run file is never replaced by another.
    await Deno.link(temp, path);
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) throw error;
    // File systems without hard links: check, then rename (a narrow race, but no silent loss).
    if (await Deno.lstat(path).then(() => true, () => false)) {
      throw new Deno.errors.AlreadyExists(`${path} already exists`);
    }
    await Deno.rename(temp, path);
    return;
  }
  await Deno.remove(temp);
}

async function writeTemp(temp: string, pieces: Iterable<string | Uint8Array>): Promise<void> {
  const encoder = new TextEncoder();
  using file = await Deno.open(temp, { write: true, createNew: true });
  let batch = "";
  for (const piece of pieces) {
    if (piece instanceof Uint8Array) { // binary formats (Parquet, Arrow): written as they are
      if (batch) await writeAll(file, encoder.encode(batch));
      batch = "";
      await writeAll(file, piece);
      continue;
    }
    batch += piece;
    if (batch.length >= 1 << 20) {
      await writeAll(file, encoder.encode(batch));
      batch = "";
    }
  }
  if (batch) await writeAll(file, encoder.encode(batch));
  await file.sync();
}

/** The error with `writing <path> failed: ` in front of its message (same class, cause kept). */
function naming(error: unknown, path: string): unknown {
  if (!(error instanceof Error) || error.message.includes(path)) return error;
  const Class = error.constructor as new (message: string, options?: ErrorOptions) => Error;
  try {
    return new Class(`writing ${path} failed: ${error.message}`, { cause: error });
  } catch {
    return new Error(`writing ${path} failed: ${error.message}`, { cause: error });
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await file.write(bytes.subarray(offset));
}
