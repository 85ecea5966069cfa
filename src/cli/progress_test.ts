import assert from "node:assert/strict";
import { etaMs, formatProgress, progressReporter } from "./progress.ts";
import type { Progress } from "../types.ts";

const progress = (over: Partial<Progress>): Progress => ({
  done: 0,
  failed: 0,
  in_flight: 0,
  total: null,
  elapsed_ms: 0,
  output_tokens_per_s: 0,
  ...over,
});

Deno.test("formatProgress() shows counts, throughput, elapsed time and ETA", () => {
  const line = formatProgress(
    progress({
      done: 3,
      failed: 1,
      in_flight: 2,
      total: 8,
      elapsed_ms: 4000,
      output_tokens_per_s: 120.4,
    }),
    { requests: 8, durationS: null },
    "c4-rinf",
  );
  assert.equal(line, "c4-rinf  3/8 done, 1 failed, 2 in flight, 120 tok/s, 0:04 elapsed, ETA 0:04");
});

Deno.test("etaMs() uses the clock for duration-bounded runs and is unknown before anything finished", () => {
  assert.equal(etaMs(progress({ elapsed_ms: 15_000 }), { requests: null, durationS: 60 }), 45_000);
  assert.equal(
    etaMs(progress({ elapsed_ms: 15_000, total: 10 }), { requests: 10, durationS: null }),
    null,
  );
  assert.equal(
    etaMs(progress({ done: 5, elapsed_ms: 10_000, total: 10 }), { requests: 10, durationS: 12 }),
    2_000,
    "the earlier of the two bounds",
  );
});

Deno.test("progressReporter() redraws one line with \\r on a terminal", () => {
  const out: string[] = [];
  const reporter = progressReporter({
    isTerminal: true,
    write: (t) => out.push(t),
    bounds: { requests: 4, durationS: null },
  });
  reporter.update(progress({ done: 1, total: 4, elapsed_ms: 1000 }));
  reporter.update(progress({ done: 2, total: 4, elapsed_ms: 1050 })); // too soon: skipped
  reporter.update(progress({ done: 3, total: 4, elapsed_ms: 2000 }));
  reporter.finish();
  assert.equal(out.length, 3);
  assert.ok(out.every((t) => t.startsWith("\r")));
  assert.ok(out[2].endsWith("\n") && !out[0].includes("\n"));
  assert.match(out[2], /3\/4 done/);
});

Deno.test("progressReporter() prints plain periodic lines when not a terminal", () => {
  const out: string[] = [];
  const reporter = progressReporter({
    isTerminal: false,
    write: (t) => out.push(t),
    bounds: { requests: null, durationS: 30 },
    plainEveryMs: 5000,
  });
  for (let ms = 0; ms <= 12_000; ms += 500) {
    reporter.update(progress({ done: ms / 500, elapsed_ms: ms }));
  }
  assert.equal(out.length, 3, "at 0 s, 5 s and 10 s");
  assert.ok(out.every((t) => !t.includes("\r") && t.endsWith("\n")));
});
