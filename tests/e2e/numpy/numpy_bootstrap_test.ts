/**
 * The bootstrap agrees with an independent one: numpy, on the same requests and the same
 * resample indices, computes every statistic of every resample and the percentiles of the
 * differences (numpy_bootstrap.py), in the venv that ./setup.sh installs (`deno task e2e`).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { numpyPython } from "../_parts.ts";
import type { ColumnTable } from "../../../src/deps/arquero.ts";
import { compareRuns, intervalPercentiles, resampleIndices } from "../../../src/compare/mod.ts";
import { toTable } from "../../../src/table/to_table.ts";
import { meetsSlo } from "../../../src/summarize/goodput.ts";
import type { Slo } from "../../../src/types.ts";
import { syntheticRun } from "../../../src/compare/_test_runs.ts";

const SCRIPT = fileURLToPath(new URL("./numpy_bootstrap.py", import.meta.url));
/** The raw per-request fields the numpy side derives everything from. */
function requestsOf(table: ColumnTable, slo: Slo) {
  return (table.objects() as Record<string, unknown>[]).map((r) => ({
    success: r.success === true,
    ttft_ms: r.ttft_ms,
    tpot_ms: r.tpot_ms,
    e2e_ms: r.e2e_ms,
    itl_ms: Array.from(r.itl_ms as number[]),
    server_queue_ms: r.server_queue_ms,
    server_prefill_ms: r.server_prefill_ms,
    server_decode_ms: r.server_decode_ms,
    completion_tokens: r.completion_tokens,
    start_ms: r.start_ms,
    end_ms: r.end_ms,
    good: meetsSlo(r as Parameters<typeof meetsSlo>[0], slo),
  }));
}

Deno.test("compareRuns' intervals equal numpy's on the same data and the same resamples", async () => {
  const runA = syntheticRun({
    requests: 150,
    seed: 3,
    ttftMeanMs: 40,
    gapMeanMs: 4,
    label: "a",
    rate: 20,
  });
  const runB = syntheticRun({ requests: 120, seed: 4, ttftMeanMs: 30, gapMeanMs: 5, label: "b" });
  const slo = { ttft_ms: 60, tpot_ms: 9 };
  const resamples = 200;
  const seed = 11;
  const metrics = [
    "ttft_ms",
    "tpot_ms",
    "itl_ms",
    "e2e_ms",
    "server_queue_ms",
    "server_prefill_ms",
    "server_decode_ms",
  ];
  const result = compareRuns(runA, runB, { resamples, seed, slo });
  const input = {
    metrics,
    interval_percentiles: intervalPercentiles(0.95),
    a: {
      open_loop: true,
      requests: requestsOf(toTable(runA), slo),
      indices: [...resampleIndices(runA.requests.length, resamples, seed)],
    },
    b: {
      open_loop: false,
      requests: requestsOf(toTable(runB), slo),
      indices: [...resampleIndices(runB.requests.length, resamples, seed + 1)],
    },
  };
  const path = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(path, JSON.stringify(input));
    const out = new Deno.Command(await numpyPython(), { args: [SCRIPT, path] }).outputSync();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const numpy = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      rows: { metric: string; statistic: string; ci_low: number; ci_high: number }[];
    };
    const ours = result.objects() as Record<string, number | string>[];
    assert.equal(ours.length, numpy.rows.length);
    assert.equal(numpy.rows.length, 7 * 4 + 3);
    for (const expected of numpy.rows) {
      const row = ours.find((r) =>
        r.metric === expected.metric && r.statistic === expected.statistic
      )!;
      const where = `${expected.metric} ${expected.statistic}`;
      for (const bound of ["ci_low", "ci_high"] as const) {
        const got = row[bound] as number;
        if (expected.statistic.startsWith("p")) {
          // Percentiles: the same order statistics and numpy's interpolation, bit for bit.
          assert.equal(got, expected[bound], `${where} ${bound}`);
        } else {
          // Means and rates: sums in another order, equal to rounding.
          const scale = Math.abs(row.a as number);
          assert.ok(
            Math.abs(got - expected[bound]) <= 1e-12 * scale,
            `${where} ${bound}: ${got} vs numpy ${expected[bound]}`,
          );
        }
      }
    }
  } finally {
    await Deno.remove(path);
  }
});
