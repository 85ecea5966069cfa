import assert from "node:assert/strict";
import { steadyStateMarks, steadyStateWindow } from "./steady_state.ts";

const request = (startS: number, durationS: number, success = true) => ({
  start_ms: startS * 1000,
  e2e_ms: success ? durationS * 1000 : null,
  success,
});

Deno.test("the window of a trapezoid load opens at the 10th send and closes at the first end", () => {
  // vllm-bench's window_plateau_trapezoid case: 10 sends a second apart, each 30 s, and one more.
  const requests = [...Array(10)].map((_, i) => request(i, 30));
  requests.push(request(15, 5));
  assert.deepEqual(steadyStateWindow(requests, 10, 1), {
    start_ms: 9_000,
    end_ms: 30_000,
    threshold_in_flight: 10,
    peak_in_flight: 11,
  });
});

Deno.test("an end and a start at the same instant count the end first", () => {
  const requests = [request(0, 5), request(2, 3), request(5, 2)];
  assert.equal(steadyStateWindow(requests, 2, 1)?.peak_in_flight, 2);
});

Deno.test("failed requests do not count in flight but are marked by their send time", () => {
  const requests = [request(0, 10), request(1, 10), request(2, 0, false), request(3, 10)];
  // 0.95 × 2 → 2 in flight from 1 s to the first end at 10 s.
  assert.deepEqual(steadyStateMarks(requests, 2), [false, true, true, true]);
  assert.equal(steadyStateWindow([request(0, 1, false)], 1), null);
});

Deno.test("a load that never reaches the plateau has no window and marks nothing", () => {
  const serial = [0, 10, 20].map((s) => request(s, 1));
  assert.equal(steadyStateWindow(serial, 5), null);
  assert.deepEqual(steadyStateMarks(serial, 5), [false, false, false]);
});

Deno.test("bad steady-state settings are refused with the value named", () => {
  assert.throws(() => steadyStateWindow([], 0), /concurrency must be an integer ≥ 1, got 0/);
  assert.throws(() => steadyStateWindow([], 4, 1.5), /threshold must be in \(0, 1\], got 1.5/);
});
