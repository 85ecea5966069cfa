import assert from "node:assert/strict";
import { join } from "node:path";
import { load } from "../../src/io/load.ts";
import { filesIn, requestLines, spawnBench, waitFor } from "./_bench_helpers.ts";

const SLOW_RUN = [
  "--simulate",
  "--concurrency",
  "2",
  "--requests",
  "400",
  "--input-tokens",
  "16",
  "--output-tokens",
  "40",
];

function jsonlIn(dir: string): string | undefined {
  const name = filesIn(dir).find((f) => f.endsWith(".jsonl"));
  return name && join(dir, name);
}

Deno.test("bench interrupted by Ctrl-C saves and summarizes what finished, exit 130", async () => {
  const out = await Deno.makeTempDir({ prefix: "bench_sigint_" });
  try {
    const { child, done } = spawnBench([...SLOW_RUN, "--out", out], out);
    await waitFor(() => requestLines(jsonlIn(out) ?? "").length >= 3, "3 finished requests");
    child.kill("SIGINT");
    const { code, stdout, stderr } = await done;
    assert.equal(code, 130, `${stdout}\n${stderr}`);
    assert.match(stderr, /Ctrl-C: no new requests/);
    const runFile = filesIn(out).find((f) => f.endsWith(".json"));
    assert.ok(runFile, "the run is saved");
    const run = await load(join(out, runFile));
    assert.ok(run.meta.interrupted, "meta says interrupted");
    assert.ok(
      run.requests.length >= 3 && run.requests.length < 400,
      `${run.requests.length} requests`,
    );
    assert.ok(run.requests.every((r) => r.success), "in-flight requests were allowed to finish");
    assert.match(stdout, /ttft/i, "the summary is printed");
    assert.ok(
      filesIn(join(out, "reports")).some((f) => f.endsWith(".html")),
      "the report is written",
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("bench killed with SIGKILL leaves a JSONL log from which every finished request loads", async () => {
  const out = await Deno.makeTempDir({ prefix: "bench_sigkill_" });
  try {
    const { child, done } = spawnBench([...SLOW_RUN, "--out", out], out);
    await waitFor(() => requestLines(jsonlIn(out) ?? "").length >= 4, "4 finished requests");
    child.kill("SIGKILL");
    await done;
    const path = jsonlIn(out)!;
    const written = requestLines(path);
    const run = await load(path, { salvage: true });
    assert.ok(written.length >= 4);
    assert.equal(run.requests.length, written.length, "every request line that was written loads");
    assert.deepEqual(
      run.requests.map((r) => r.request_id).sort(),
      written.map((line) => JSON.parse(line).request_id).sort(),
    );
    assert.ok(
      filesIn(out).every((f) => !f.endsWith(".json")),
      "no JSON was written: the process died",
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
