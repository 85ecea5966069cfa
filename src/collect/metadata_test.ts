import assert from "node:assert/strict";
import { collect } from "./collect.ts";
import { startSimulator } from "../sim/mod.ts";
import { toTable } from "../table/to_table.ts";
import { summarize } from "../summarize/summarize.ts";
import { parseBenchArgs } from "../cli/bench_args.ts";

const PROMPTS = ["a", "b", "c"].map((prompt) => ({ prompt }));

Deno.test("collect saves the user's tags and the server's /version, and toTable groups by them", async () => {
  const sim = await startSimulator({});
  try {
    const h100 = await collect({
      url: sim.url,
      requests: PROMPTS,
      concurrency: 1,
      label: "h100",
      metadata: { gpu: "H100", tp: 2 },
    });
    assert.deepEqual(h100.meta.metadata, { gpu: "H100", tp: "2", vllm_version: "sim" });
    const a100 = await collect({
      url: sim.url,
      requests: PROMPTS,
      concurrency: 1,
      label: "a100",
      metadata: { gpu: "A100", vllm_version: "0.11.0" }, // the user's value wins
    });
    assert.equal(a100.meta.metadata?.vllm_version, "0.11.0");
    const table = toTable([h100, a100]);
    assert.deepEqual(table.array("gpu"), ["H100", "H100", "H100", "A100", "A100", "A100"]);
    const byGpu = summarize(table, { groupby: "gpu" }).objects() as Record<string, unknown>[];
    assert.deepEqual(byGpu.map((r) => [r.gpu, r.requests]), [["H100", 3], ["A100", 3]]);
  } finally {
    await sim.close();
  }
});

Deno.test("collect rejects a bad tag before sending anything", async () => {
  await assert.rejects(
    () => collect({ url: "http://127.0.0.1:9", requests: PROMPTS, metadata: { "a b": "x" } }),
    TypeError,
  );
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    () => collect({ url: "http://127.0.0.1:9", requests: PROMPTS, metadata: { gpu: null } as any }),
    /metadata\.gpu must be a string, number or boolean, got null/,
  );
});

Deno.test("--metadata key=value is repeatable and a flag without = is a usage error", () => {
  const args = parseBenchArgs([
    "--simulate",
    "--metadata",
    "gpu=H100",
    "--metadata=max-num-seqs=256",
  ]);
  assert.deepEqual(args.metadata, { gpu: "H100", "max-num-seqs": "256" });
  assert.throws(() => parseBenchArgs(["--simulate", "--metadata", "gpu"]), /expected key=value/);
});
