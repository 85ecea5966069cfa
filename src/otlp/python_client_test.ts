/**
 * The receiver against Python's grpcio C-core client, the transport vLLM's OTLP gRPC exporter
 * uses. Runs only where /usr/bin/python3 has grpcio (Debian: `apt-get install python3-grpcio`).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { decodeExportResponse, encodeExportRequest } from "./protobuf.ts";
import { startReceiver } from "./receiver.ts";
import { llmRequestPayload, spanIdOf, traceIdOf, V1_ATTRIBUTES } from "./_test_helpers.ts";

const PYTHON = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("./testdata/python_grpc_export.py", import.meta.url));

function pythonHasGrpcio(): boolean {
  try {
    return new Deno.Command(PYTHON, { args: ["-c", "import grpc"], stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
}

interface PythonOutcome {
  code: number;
  details: string;
  reply_hex: string;
}

async function exportWithPython(
  target: string,
  message: Uint8Array,
  compression: "gzip" | "none",
  token?: string,
): Promise<PythonOutcome> {
  const file = await Deno.makeTempFile({ suffix: ".bin" });
  try {
    await Deno.writeFile(file, message);
    const args = [SCRIPT, target, file, compression, ...(token ? [token] : [])];
    const output = await new Deno.Command(PYTHON, { args, stdout: "piped", stderr: "piped" })
      .output();
    const stdout = new TextDecoder().decode(output.stdout);
    assert.ok(output.success, `python failed: ${new TextDecoder().decode(output.stderr)}`);
    return JSON.parse(stdout);
  } finally {
    await Deno.remove(file);
  }
}

const hexToBytes = (hex: string) =>
  Uint8Array.from(hex.match(/../g) ?? [], (byte) => parseInt(byte, 16));

Deno.test({
  name: "the gRPC receiver accepts spans from Python grpcio, gzip and plain, with a bearer token",
  ignore: !pythonHasGrpcio(),
  async fn() {
    const receiver = await startReceiver({ grpcPort: 0, httpPort: null, bearerToken: "tok" });
    try {
      const target = `127.0.0.1:${receiver.grpcPort}`;
      for (const [i, compression] of [[1, "gzip"], [2, "none"]] as const) {
        const message = encodeExportRequest(llmRequestPayload([{
          traceId: traceIdOf(i),
          spanId: spanIdOf(i),
          parentSpanId: spanIdOf(100),
        }]));
        const outcome = await exportWithPython(target, message, compression, "tok");
        assert.equal(outcome.code, 0, outcome.details);
        assert.deepEqual(decodeExportResponse(hexToBytes(outcome.reply_hex)), {});
        const [span] = receiver.store.get(traceIdOf(i))!;
        assert.equal(span.parent_span_id, spanIdOf(100));
        assert.deepEqual(span.attributes, V1_ATTRIBUTES);
      }
      const denied = await exportWithPython(target, new Uint8Array(0), "none", "wrong");
      assert.equal(denied.code, 16); // UNAUTHENTICATED
      const garbage = await exportWithPython(target, new Uint8Array([0xff, 0xff]), "gzip", "tok");
      assert.equal(garbage.code, 3); // INVALID_ARGUMENT
    } finally {
      await receiver.close();
    }
  },
});
