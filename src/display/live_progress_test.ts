import assert from "node:assert/strict";
import {
  type JupyterDisplayApi,
  progressBundle,
  type ProgressCallbacks,
  withLiveProgress,
} from "./live_progress.ts";
import type { Progress, RequestRecord } from "../types.ts";
import { makeRecord } from "../table/_fixtures.ts";

const progress: Progress = {
  done: 2,
  failed: 0,
  in_flight: 1,
  total: 3,
  elapsed_ms: 500,
  output_tokens_per_s: 40,
};

Deno.test("the live display updates one output in place and still calls the caller's callbacks", () => {
  const sent: { bundle: Record<string, unknown>; update?: boolean; display_id?: string }[] = [];
  const api: JupyterDisplayApi = {
    display: (bundle, options) => (sent.push({ bundle, ...options }), Promise.resolve()),
  };
  const seen: string[] = [];
  const live = withLiveProgress(
    {
      onProgress: (p: Progress) => seen.push(`progress ${p.done}`),
      onRecord: (r: RequestRecord) => seen.push(`record ${r.index}`),
    },
    true,
    api,
  );
  live.onRecord!(makeRecord({ index: 0, ttft_ms: 20 }));
  live.onProgress!(progress);
  live.onRecord!(makeRecord({ index: 1, ttft_ms: 30 }));
  live.onProgress!({ ...progress, done: 3, in_flight: 0 });
  assert.deepEqual(seen, ["record 0", "progress 2", "record 1", "progress 3"]);
  assert.deepEqual(sent.map((s) => s.update), [false, true]);
  assert.equal(new Set(sent.map((s) => s.display_id)).size, 1);
  assert.match(String(sent[1].bundle["text/plain"]), /^3\/3 done, 0 failed, 0 in flight/);
  assert.match(String(sent[1].bundle["text/html"]), /TTFT 20\.0 ms … 30\.0 ms/);
});

Deno.test("a display that fails never reaches collect", () => {
  const api: JupyterDisplayApi = { display: () => Promise.reject(new Error("closed")) };
  const live = withLiveProgress<ProgressCallbacks>({}, true, api);
  live.onProgress!(progress); // no throw, no unhandled rejection
  const throwing: JupyterDisplayApi = {
    display: () => {
      throw new Error("no kernel");
    },
  };
  withLiveProgress<ProgressCallbacks>({}, true, throwing).onProgress!(progress);
});

Deno.test("progress: false or no kernel leaves the options unchanged", () => {
  const options = { onProgress: () => {} };
  const api: JupyterDisplayApi = { display: () => Promise.resolve() };
  assert.equal(withLiveProgress(options, false, api), options);
  assert.equal(withLiveProgress(options, true, undefined), options);
  assert.equal(withLiveProgress(options), options); // this test does not run in Jupyter
});

Deno.test("progressBundle without a total or TTFTs shows no ETA and no histogram", () => {
  const bundle = progressBundle({ ...progress, total: null }, []);
  assert.equal(bundle["text/plain"], "2 done, 0 failed, 1 in flight, 40 tok/s, elapsed 0.5 s");
  assert.doesNotMatch(String(bundle["text/html"]), /<svg/);
});
