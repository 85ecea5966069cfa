import assert from "node:assert/strict";
import { endpointPath, parseServerUrl, validateOptions } from "./options.ts";

Deno.test("parseServerUrl() normalises trailing slashes and /v1, keeping a path prefix", () => {
  for (
    const url of [
      "http://h:8000",
      "http://h:8000/",
      "http://h:8000/v1",
      "http://h:8000/v1/",
      " http://h:8000//",
    ]
  ) {
    assert.deepEqual(parseServerUrl(url), { base: "http://h:8000", basicAuth: null }, url);
  }
  assert.equal(parseServerUrl("https://gw.example/proxy/v1").base, "https://gw.example/proxy");
});

Deno.test("parseServerUrl() takes credentials out of the URL", () => {
  const address = parseServerUrl("http://al%40ice:s3cret@127.0.0.1:9/v1");
  assert.equal(address.base, "http://127.0.0.1:9");
  assert.equal(address.basicAuth, "al@ice:s3cret");
});

Deno.test("parseServerUrl() rejects non-http URLs without echoing credentials", () => {
  assert.throws(() => parseServerUrl("ws://h"), /must use http or https/);
  assert.throws(() => parseServerUrl(""), /non-empty string/);
  assert.throws(
    () => parseServerUrl("http://user:hunter2@[bad"),
    (err: Error) => err instanceof TypeError && !err.message.includes("hunter2"),
  );
});

Deno.test("endpointPath() maps endpoints to OpenAI paths", () => {
  assert.equal(endpointPath("chat"), "/v1/chat/completions");
  assert.equal(endpointPath("completions"), "/v1/completions");
});

Deno.test("validateOptions() accepts a minimal and a full option set", () => {
  validateOptions({ url: "http://127.0.0.1:1", requests: [] });
  validateOptions({
    url: "http://127.0.0.1:1",
    endpoint: "completions",
    model: "m",
    requests: (async function* () {})(),
    count: 0,
    durationS: 0.5,
    concurrency: 1,
    rate: Infinity,
    burstiness: Infinity,
    warmup: 0,
    seed: -3,
    stream: false,
    params: {},
    apiKey: "k",
    headers: { "x-a": "b" },
    timeoutMs: 1,
    maxResponseBytes: 1,
    sampled: false,
    signal: new AbortController().signal,
    shard: { index: 0, count: 1 },
    runId: "run-1",
    extra: {},
  });
});

Deno.test("validateOptions() names the option and the value it rejects", () => {
  const base = { url: "http://127.0.0.1:1", requests: [] };
  assert.throws(
    () => validateOptions({ ...base, warmup: -1 }),
    /option warmup must be ≥ 0, got -1/,
  );
  assert.throws(
    () => validateOptions({ ...base, durationS: 0 }),
    /option durationS must be > 0, got 0/,
  );
  assert.throws(
    () => validateOptions({ ...base, maxResponseBytes: 0.5 }),
    /option maxResponseBytes/,
  );
  assert.throws(
    () => validateOptions({ ...base, stream: "yes" as unknown as boolean }),
    /option stream must be a boolean/,
  );
  assert.throws(
    () => validateOptions({ ...base, headers: { a: 1 as unknown as string } }),
    /headers\["a"\]/,
  );
  assert.throws(() => validateOptions({ ...base, runId: "a b" }), /option runId/);
  assert.throws(
    () => validateOptions({ ...base, signal: {} as AbortSignal }),
    /option signal must be an AbortSignal/,
  );
  assert.throws(
    () => validateOptions({ ...base, requests: "abc" as unknown as [] }),
    /option requests/,
  );
  assert.throws(() => validateOptions(null as unknown as typeof base), /options must be an object/);
});
