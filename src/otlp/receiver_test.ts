import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import * as grpc from "../deps/grpc_grpc_js.ts";
import { encodeExportRequest } from "./protobuf.ts";
import { TRACE_EXPORT_METHOD } from "./schema.ts";
import { nowMs } from "../util/clock.ts";
import { type ReceiverOptions, startReceiver } from "./receiver.ts";
import { gzip, llmRequestPayload, readFixture, spanIdOf, traceIdOf } from "./_test_helpers.ts";

async function postJson(url: string, payload: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(payload),
  });
  return { status: response.status, body: await response.json() };
}

function exportOverGrpc(client: grpc.Client, message: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      TRACE_EXPORT_METHOD,
      (bytes: Uint8Array) => Buffer.from(bytes),
      (bytes: Buffer) => bytes,
      message,
      new grpc.Metadata(),
      (error) => error ? reject(error) : resolve(),
    );
  });
}

Deno.test("startReceiver() reports its endpoints and is a trace source named embedded", async () => {
  const receiver = await startReceiver({ grpcPort: 0, httpPort: 0 });
  try {
    assert.equal(receiver.name, "embedded");
    assert.ok(receiver.grpcPort! > 0 && receiver.httpPort! > 0);
    assert.equal(receiver.grpcEndpoint, `http://127.0.0.1:${receiver.grpcPort}`);
    assert.equal(receiver.httpEndpoint, `http://127.0.0.1:${receiver.httpPort}/v1/traces`);
  } finally {
    await receiver.close();
  }
});

Deno.test("startReceiver() with a null port does not open that listener", async () => {
  const receiver = await startReceiver({ grpcPort: null, httpPort: 0 });
  try {
    assert.equal(receiver.grpcPort, null);
    assert.equal(receiver.grpcEndpoint, null);
    assert.ok(receiver.httpEndpoint);
  } finally {
    await receiver.close();
  }
});

Deno.test("startReceiver() rejects bad options with the option name and value", async () => {
  const cases: [ReceiverOptions, RegExp][] = [
    [{ grpcPort: -1, httpPort: 0 }, /grpcPort must be an integer in 0..65535 or null, got -1/],
    [{ grpcPort: 0, httpPort: 70_000 }, /httpPort must be .* got 70000/],
    [{ grpcPort: null, httpPort: null }, /both null/],
    [{ grpcPort: 0, httpPort: 0, maxBodyBytes: 0 }, /maxBodyBytes must be .* got 0/],
    [{ grpcPort: 0, httpPort: 0, maxSpans: -3 }, /maxSpans must be a positive integer, got -3/],
    [{ grpcPort: 0, httpPort: 0, bearerToken: "a b" }, /bearerToken must be/],
    [{ grpcPort: 0, httpPort: 0, hostname: "" }, /hostname must be a non-empty string/],
    [{ grpcPort: 0, httpPort: 0, spanName: 5 as unknown as string }, /spanName must be/],
  ];
  for (const [options, message] of cases) {
    await assert.rejects(startReceiver(options), message, JSON.stringify(options));
  }
});

Deno.test("startReceiver() fails clearly when a port is taken and leaves nothing listening", async () => {
  const first = await startReceiver({ grpcPort: 0, httpPort: 0 });
  try {
    await assert.rejects(
      startReceiver({ grpcPort: 0, httpPort: first.httpPort }),
      new RegExp(`OTLP HTTP receiver could not listen on 127.0.0.1:${first.httpPort}`),
    );
    // The HTTP listener opened before the gRPC bind failed is shut down again (the resource
    // sanitizer would flag it otherwise).
    await assert.rejects(
      startReceiver({ grpcPort: first.grpcPort, httpPort: 0 }),
      new RegExp(`OTLP gRPC receiver could not listen on 127.0.0.1:${first.grpcPort}`),
    );
  } finally {
    await first.close();
  }
});

Deno.test("startReceiver() without read access to its worker module fails naming the flag", async () => {
  const script = new URL("./testdata/start_receiver.ts", import.meta.url).pathname;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--no-check", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(output.success, false);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.match(stderr, /embedded OTLP receiver worker failed: .*--allow-read/);
  assert.match(stderr, /receiver_worker\.ts: grant --allow-read for it/);
});

Deno.test("the receiver's getSpans() resolves as soon as exported spans arrive over HTTP", async () => {
  const receiver = await startReceiver({ grpcPort: null, httpPort: 0 });
  try {
    const ids = [traceIdOf(1), traceIdOf(2)];
    // A one-minute deadline: the test only finishes in time if arrival wakes the waiter.
    const pending = receiver.getSpans(ids, { deadline_ms: nowMs() + 60_000 });
    const payload = llmRequestPayload(ids.map((traceId, i) => ({ traceId, spanId: spanIdOf(i) })));
    const reply = await postJson(receiver.httpEndpoint!, payload);
    assert.equal(reply.status, 200);
    const found = await pending;
    assert.deepEqual([...found.keys()].sort(), [...ids].sort());
  } finally {
    await receiver.close();
  }
});

Deno.test("an export's spans and counts are in receiver.store and stats() when its reply arrives", async () => {
  // The worker posts each batch and waits for the main thread's ack before it answers the
  // exporter, so a synchronous read right after the reply must always see the export.
  const receiver = await startReceiver({ grpcPort: 0, httpPort: 0 });
  const client = new grpc.Client(
    `127.0.0.1:${receiver.grpcPort}`,
    grpc.credentials.createInsecure(),
  );
  try {
    for (let i = 0; i < 40; i++) {
      const payload = llmRequestPayload([{ traceId: traceIdOf(i), spanId: spanIdOf(i) }]);
      if (i % 2 === 0) {
        assert.equal((await postJson(receiver.httpEndpoint!, payload)).status, 200);
      } else {
        await exportOverGrpc(client, encodeExportRequest(payload));
      }
      assert.equal(receiver.store.get(traceIdOf(i))?.[0].span_id, spanIdOf(i), `export ${i}`);
      assert.equal(receiver.stats().accepted_spans, i + 1);
      assert.equal(receiver.stats().received_requests, i + 1);
    }
  } finally {
    client.close();
    await receiver.close();
  }
});

Deno.test("the receiver keeps NaN and infinite double attributes across its worker", async () => {
  const receiver = await startReceiver({ grpcPort: null, httpPort: 0 });
  try {
    const payload = llmRequestPayload([{ traceId: traceIdOf(1), spanId: spanIdOf(1) }]);
    const span = payload.resourceSpans![0].scopeSpans![0].spans![0];
    span.attributes = [
      { key: "nan", value: { doubleValue: "NaN" } },
      { key: "inf", value: { doubleValue: "-Infinity" } },
      {
        key: "tag",
        value: { kvlistValue: { values: [{ key: "\u0000number", value: { stringValue: "1" } }] } },
      },
    ] as typeof span.attributes;
    assert.equal((await postJson(receiver.httpEndpoint!, payload)).status, 200);
    const [stored] = receiver.store.get(traceIdOf(1))!;
    assert.ok(Number.isNaN(stored.attributes.nan));
    assert.equal(stored.attributes.inf, -Infinity);
    assert.deepEqual(stored.attributes.tag, { "\u0000number": "1" });
  } finally {
    await receiver.close();
  }
});

Deno.test("the receiver's close() resolves pending getSpans() with what arrived", async () => {
  const receiver = await startReceiver({ grpcPort: 0, httpPort: 0 });
  const payload = llmRequestPayload([{ traceId: traceIdOf(1), spanId: spanIdOf(1) }]);
  await postJson(receiver.httpEndpoint!, payload);
  const pending = receiver.getSpans([traceIdOf(1), traceIdOf(2)], { deadline_ms: Infinity });
  await receiver.close();
  await receiver.close(); // idempotent
  assert.deepEqual([...(await pending).keys()], [traceIdOf(1)]);
  const later = await receiver.getSpans([traceIdOf(1), traceIdOf(2)], { deadline_ms: Infinity });
  assert.deepEqual([...later.keys()], [traceIdOf(1)]);
});

Deno.test("the receiver's getSpans() rejects when its signal aborts", async () => {
  const receiver = await startReceiver({ grpcPort: null, httpPort: 0 });
  try {
    const controller = new AbortController();
    const pending = receiver.getSpans([traceIdOf(1)], {
      deadline_ms: nowMs() + 60_000,
      signal: controller.signal,
    });
    controller.abort();
    await assert.rejects(pending, { name: "AbortError" });
  } finally {
    await receiver.close();
  }
});

Deno.test("the receiver answers over the network: 404, 405, 413 by Content-Length, 401", async () => {
  const receiver = await startReceiver({
    grpcPort: null,
    httpPort: 0,
    maxBodyBytes: 1024,
    bearerToken: "tok",
  });
  try {
    const base = `http://127.0.0.1:${receiver.httpPort}`;
    const auth = { authorization: "Bearer tok" };
    const notFound = await fetch(`${base}/v1/logs`, { method: "POST", headers: auth });
    assert.equal(notFound.status, 404);
    await notFound.body?.cancel();
    const wrongMethod = await fetch(receiver.httpEndpoint!, { headers: auth });
    assert.equal(wrongMethod.status, 405);
    await wrongMethod.body?.cancel();
    const big = await postJson(receiver.httpEndpoint!, { pad: "x".repeat(4096) }, auth);
    assert.equal(big.status, 413);
    assert.equal(big.body.code, 8);
    const unauthorized = await postJson(receiver.httpEndpoint!, { resourceSpans: [] });
    assert.equal(unauthorized.status, 401);
    const ok = await postJson(receiver.httpEndpoint!, { resourceSpans: [] }, auth);
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, {});
    assert.deepEqual(receiver.stats(), {
      received_requests: 5,
      accepted_spans: 0,
      rejected_spans: 0,
      bad_requests: 4,
      evicted_spans: 0,
      ignored_spans: 0,
    });
  } finally {
    await receiver.close();
  }
});

Deno.test("the receiver accepts a gzip OTLP/JSON body over the network", async () => {
  const receiver = await startReceiver({ grpcPort: null, httpPort: 0 });
  try {
    const fixture = new TextEncoder().encode(readFixture("jaeger-otlp2jaeger-in.json"));
    const response = await fetch(receiver.httpEndpoint!, {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: (await gzip(fixture)) as Uint8Array<ArrayBuffer>,
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {});
    // The fixture's spans are not llm_request: all valid, all filtered out by default.
    assert.equal(receiver.store.size, 0);
    assert.ok(receiver.stats().ignored_spans > 0);
  } finally {
    await receiver.close();
  }
});

Deno.test("the receiver with spanName null keeps every span and respects maxSpans", async () => {
  const receiver = await startReceiver({
    grpcPort: null,
    httpPort: 0,
    spanName: null,
    maxSpans: 3,
  });
  try {
    for (let t = 0; t < 4; t++) {
      const payload = llmRequestPayload([
        { traceId: traceIdOf(t), spanId: spanIdOf(2 * t), name: "Load model" },
        { traceId: traceIdOf(t), spanId: spanIdOf(2 * t + 1) },
      ]);
      assert.equal((await postJson(receiver.httpEndpoint!, payload)).status, 200);
      assert.ok(receiver.store.size <= 3);
    }
    assert.deepEqual(receiver.store.traceIds(), [traceIdOf(3)]);
    const stats = receiver.stats();
    assert.equal(stats.accepted_spans, 8);
    assert.equal(stats.evicted_spans, 6);
  } finally {
    await receiver.close();
  }
});

Deno.test("the receiver's close() does not hang on a sender that stalls mid-body", async () => {
  const receiver = await startReceiver({ grpcPort: null, httpPort: 0 });
  const connection = await Deno.connect({ hostname: "127.0.0.1", port: receiver.httpPort! });
  try {
    const head = "POST /v1/traces HTTP/1.1\r\nhost: 127.0.0.1\r\n" +
      "content-type: application/json\r\ncontent-length: 1000\r\n\r\n";
    await connection.write(new TextEncoder().encode(head + '{"resourceSpans":['));
    // Wait until the handler is reading the body, then close while 980 bytes never come.
    while (receiver.stats().received_requests === 0) await new Promise((r) => setTimeout(r, 10));
    await receiver.close(); // the test runner's timeout would catch a hang here
    const buffer = new Uint8Array(4096);
    const read = await connection.read(buffer);
    const reply = new TextDecoder().decode(buffer.subarray(0, read ?? 0));
    assert.match(reply, /^HTTP\/1\.1 503/);
    assert.match(reply, /the receiver is shutting down/);
  } finally {
    connection.close();
  }
});
