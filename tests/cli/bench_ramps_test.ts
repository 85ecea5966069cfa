import assert from "node:assert/strict";
import { join } from "node:path";
import type { Run } from "../../src/types.ts";
import { filesIn, runBench } from "./_bench_helpers.ts";

Deno.test("bench --ramp without --rate ramps the concurrency and --steady-state says what it left out", async () => {
  const out = await Deno.makeTempDir({ prefix: "bench_ramp_" });
  try {
    const result = await runBench([
      "--simulate",
      "--concurrency",
      "4",
      "--ramp",
      "linear",
      "--ramp-duration",
      "0.5",
      "--steady-state",
      "--requests",
      "24",
      "--input-tokens",
      "32",
      "--output-tokens",
      "8",
      "--traces",
      "none",
      "--out",
      out,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const [file] = filesIn(out).filter((f) => f.endsWith(".json"));
    const run: Run = JSON.parse(await Deno.readTextFile(join(out, file)));
    assert.deepEqual(run.meta.load.concurrency_ramp, {
      shape: "linear",
      duration_s: 0.5,
      start_concurrency: 1,
    });
    assert.equal(run.requests.length, 24); // every request stays in the file
    assert.equal(run.requests[0].load_concurrency, 1);
    assert.match(
      result.stdout,
      /steady state only: \d+ requests? of the ramp-up and drain left out/,
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
