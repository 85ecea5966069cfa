import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { atomicWrite } from "./atomic_write.ts";

Deno.test("atomicWrite() with overwrite: false never replaces an existing file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "run.json");
    await atomicWrite(path, ["first"], { overwrite: false });
    await assert.rejects(
      atomicWrite(path, ["second"], { overwrite: false }),
      (error: Error) => error instanceof Deno.errors.AlreadyExists && error.message.includes(path),
    );
    assert.equal(await Deno.readTextFile(path), "first");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["run.json"], "no temp file");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a save that runs out of space names the file it was writing and leaves no temp file", async () => {
  // A file-size limit (ulimit -f, SIGXFSZ ignored) makes writes fail the way a full disk does.
  const dir = await Deno.makeTempDir();
  try {
    const script = fileURLToPath(new URL("./testdata/save_big_run.ts", import.meta.url));
    const path = join(dir, "run.csv");
    const output = await new Deno.Command("bash", {
      args: [
        "-c",
        `ulimit -f 16; trap '' XFSZ; exec "$0" run -A "$1" "$2"`,
        Deno.execPath(),
        script,
        path,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 1, stderr);
    assert.match(
      stderr,
      new RegExp(`writing ${path.replaceAll(".", "\\.")} failed: File too large`),
    );
    assert.deepEqual([...Deno.readDirSync(dir)], [], "neither the file nor a temp file is left");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
