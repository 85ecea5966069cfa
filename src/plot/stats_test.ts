import assert from "node:assert/strict";
import fc from "../deps/fast_check.ts";
import {
  binIndex,
  ecdfPoints,
  meanOccupancy,
  niceBins,
  niceStep,
  quantileSorted,
  sortNumbers,
} from "./stats.ts";
import { columnTitle, columnUnit, metricColumn } from "./labels.ts";

Deno.test("quantileSorted interpolates linearly like numpy", () => {
  const v = [1, 2, 3, 4, 5];
  assert.equal(quantileSorted(v, 0.5), 3);
  assert.equal(quantileSorted(v, 0.99), 4.96);
  assert.equal(quantileSorted(v, 0), 1);
  assert.equal(quantileSorted(v, 1), 5);
  assert.ok(Number.isNaN(quantileSorted([], 0.5)));
});

Deno.test("niceStep picks 1, 2, 2.5 or 5 times a power of ten", () => {
  assert.equal(niceStep(97, 40), 2.5);
  assert.equal(niceStep(1000, 10), 100);
  assert.equal(niceStep(0.3, 30), 0.01);
});

Deno.test("niceBins cover every value within at most maxBins bins", () => {
  // Realistic magnitudes for times and counts (no subnormal doubles).
  const value = fc.oneof(
    fc.constant(0),
    fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
    fc.double({ min: -1e6, max: -1e-6, noNaN: true }),
  );
  fc.assert(
    fc.property(
      fc.array(value, { minLength: 1, maxLength: 50 }),
      fc.integer({ min: 1, max: 100 }),
      (values, maxBins) => {
        const min = Math.min(...values), max = Math.max(...values);
        const bins = niceBins(min, max, maxBins);
        assert.ok(bins.count >= 1 && bins.count <= maxBins, `count ${bins.count} > ${maxBins}`);
        assert.ok(bins.start <= min + 1e-9 * Math.abs(min));
        for (const v of values) {
          const i = binIndex(bins, v);
          const lo = bins.start + i * bins.step, hi = lo + bins.step;
          const eps = 1e-9 * Math.max(1, Math.abs(v));
          assert.ok(v >= lo - eps && v <= hi + eps, `${v} not in bin [${lo}, ${hi})`);
        }
      },
    ),
  );
});

Deno.test("ecdfPoints are non-decreasing and end at fraction 1", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 300 }),
      fc.integer({ min: 2, max: 100 }),
      (values, maxPoints) => {
        const pts = ecdfPoints(sortNumbers(values), maxPoints);
        assert.ok(pts.length <= maxPoints + 1 + 0 || values.length <= maxPoints);
        assert.equal(pts[pts.length - 1].fraction, 1);
        assert.equal(pts[0].fraction, 0);
        for (let i = 1; i < pts.length; i++) {
          assert.ok(pts[i].value >= pts[i - 1].value && pts[i].fraction >= pts[i - 1].fraction);
        }
      },
    ),
  );
});

Deno.test("meanOccupancy integrates interval lengths", () => {
  const bins = { start: 0, step: 1, count: 3 };
  assert.deepEqual(meanOccupancy([[0, 1], [0.5, 2.5], [5, 4]], bins), [1.5, 1, 0.5]);
});

Deno.test("columnTitle names metrics with their unit", () => {
  assert.equal(columnTitle("ttft_ms"), "TTFT (ms)");
  assert.equal(columnTitle("tpot_ms_p99"), "TPOT p99 (ms)");
  assert.equal(columnTitle("itl_ms_p99_9"), "ITL p99.9 (ms)");
  assert.equal(columnTitle("server_queue_ms_mean"), "server queue time mean (ms)");
  assert.equal(columnTitle("output_throughput"), "output throughput (tok/s)");
  assert.equal(columnTitle("my_col_ms"), "my_col (ms)");
  assert.equal(columnUnit("goodput"), "req/s");
  assert.equal(metricColumn("ttft"), "ttft_ms");
  assert.equal(metricColumn("prompt_tokens"), "prompt_tokens");
});
