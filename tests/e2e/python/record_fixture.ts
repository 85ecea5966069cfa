/**
 * Records the project's `llm_request` fixture from vLLM's own exporter: one span emitted by
 * vllm_span_emitter.py (OpenTelemetry Python SDK, http/protobuf exporter) is captured byte for
 * byte as it arrives on a loopback OTLP/HTTP endpoint, and also written as OTLP/JSON by
 * otlp_pb_to_json.py (the protobuf runtime's JSON form, ids in hex).
 *
 * The request mirrors the one behind a real vLLM 0.29.0 trace (the public fixture
 * tests/fixtures/vllm-0.29.0-otel.json of the GitHub repository ruqi1125/inferscope): a
 * /v1/completions request, max_tokens 8, temperature 0, 14 prompt tokens, 8 generated, ttft
 * 0.11554598808288574 s, engine timings of that trace, arriving "now": vLLM ends the span at the
 * current time, so the recording time is the span's time.
 *
 * `deno run -A tests/e2e/python/record_fixture.ts` (after `bash tests/e2e/setup.sh`) writes
 * src/otlp/testdata/llm_request.otlp.pb and .otlp.json.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { otelPython } from "../_parts.ts";
import { emitWithPython, type RequestStats, traceparent } from "./_emitter.ts";

const OUT = fileURLToPath(new URL("../../../src/otlp/testdata/", import.meta.url));
const TO_JSON = fileURLToPath(new URL("./otlp_pb_to_json.py", import.meta.url));
/** The W3C specification's example ids: the client span the recorded span is a child of. */
const CLIENT = { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7" };

function fixtureRequest(): RequestStats {
  const e2e = 0.25359678268432617;
  const arrival = -(e2e + 0.0013); // vLLM's span ends ~1.3 ms after the last output batch
  const scheduled = 40712.918273645 + 5.4589007049798965e-05; // engine-core monotonic
  const firstToken = scheduled + 0.057814636995317414;
  return {
    trace_headers: { traceparent: traceparent(CLIENT.traceId, CLIENT.spanId) },
    request_id: "cmpl-3f1c2a9e4b5d4e0f8a7b6c5d4e3f2a1b-0",
    arrival_time: arrival,
    first_token_latency: 0.11554598808288574,
    iteration_timestamp: arrival + e2e,
    queued_ts: 40712.918273645,
    scheduled_ts: scheduled,
    first_token_ts: firstToken,
    last_token_ts: firstToken + 0.13830458300071768,
    prompt_tokens: 14,
    num_generation_tokens: 8,
    max_tokens: 8,
    temperature: 0,
    n: 1,
  };
}

async function captureOneExport(send: (endpoint: string) => Promise<void>): Promise<Uint8Array> {
  const bodies: Uint8Array[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    bodies.push(new Uint8Array(await req.arrayBuffer()));
    // An empty ExportTraceServiceResponse: full success.
    return new Response(new Uint8Array(0), {
      headers: { "content-type": "application/x-protobuf" },
    });
  });
  try {
    await send(`http://127.0.0.1:${server.addr.port}/v1/traces`);
  } finally {
    await server.shutdown();
  }
  if (bodies.length !== 1) throw new Error(`expected one export request, got ${bodies.length}`);
  return bodies[0];
}

async function main(): Promise<void> {
  const body = await captureOneExport(async (endpoint) => {
    await emitWithPython(endpoint, [fixtureRequest()], {
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/protobuf",
      OTEL_SERVICE_NAME: "vllm-server",
    });
  });
  await Deno.writeFile(`${OUT}llm_request.otlp.pb`, body);
  const json = await new Deno.Command(await otelPython(), {
    args: [TO_JSON, `${OUT}llm_request.otlp.pb`],
    stderr: "inherit",
  }).output();
  if (!json.success) throw new Error("otlp_pb_to_json.py failed");
  await Deno.writeFile(`${OUT}llm_request.otlp.json`, json.stdout);
  console.log(`wrote ${OUT}llm_request.otlp.pb (${body.length} bytes) and llm_request.otlp.json`);
}

if (import.meta.main) await main();
