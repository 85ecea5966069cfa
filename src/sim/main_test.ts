import assert from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";

const MAIN = fromFileUrl(new URL("./main.ts", import.meta.url));
const CONFIG = fromFileUrl(new URL("../../deno.json", import.meta.url));

Deno.test("deno task sim prints the URL, serves, and stops cleanly on SIGINT", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, MAIN, "--port", "0", "--model", "cli-model"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  const stdout = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let out = "";
    while (!out.includes("\n")) {
      const { value, done } = await stdout.read();
      if (done) break;
      out += value;
    }
    const url = out.trim();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const models = await (await fetch(`${url}/v1/models`)).json();
    assert.equal(models.data[0].id, "cli-model");
    child.kill("SIGINT");
    const status = await child.status;
    assert.equal(status.code, 0);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    await stdout.cancel().catch(() => {});
    await stderr.cancel().catch(() => {});
    await child.status;
  }
});

Deno.test("deno task sim --help prints usage and exits 0; a bad flag exits 2", async () => {
  const help = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, MAIN, "--help"],
  }).output();
  assert.equal(help.code, 0);
  assert.match(new TextDecoder().decode(help.stdout), /x-sim-fault/);
  const bad = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, MAIN, "--bogus"],
  }).output();
  assert.equal(bad.code, 2);
  assert.match(new TextDecoder().decode(bad.stderr), /unknown flag --bogus/);
});
