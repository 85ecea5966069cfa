import assert from "node:assert/strict";
import {
  decodeExportRequest,
  decodeExportResponse,
  decodeRpcStatus,
  encodeExportRequest,
  encodeExportResponse,
  encodeRpcStatus,
} from "./protobuf.ts";
import { llmRequestPayload, spanIdOf, traceIdOf } from "./_test_helpers.ts";

Deno.test("encodeRpcStatus() and decodeRpcStatus() round-trip a google.rpc.Status", () => {
  const status = { code: 8, message: "request body exceeds the limit" };
  assert.deepEqual(decodeRpcStatus(encodeRpcStatus(status)), status);
});

Deno.test("encodeExportResponse() leaves partial_success unset on full success", () => {
  assert.deepEqual(decodeExportResponse(encodeExportResponse()), {});
  assert.deepEqual(
    decodeExportResponse(encodeExportResponse({ rejectedSpans: 2, errorMessage: "bad ids" })),
    { partialSuccess: { rejectedSpans: "2", errorMessage: "bad ids" } },
  );
});

Deno.test("decodeExportRequest() turns large bytes attributes into base64 without overflowing", () => {
  const payload = llmRequestPayload([{
    traceId: traceIdOf(1),
    spanId: spanIdOf(1),
    attributes: {},
  }]);
  const big = new Uint8Array(300_000).map((_, i) => i % 256);
  let binary = "";
  for (const b of big) binary += String.fromCharCode(b);
  payload.resourceSpans![0].scopeSpans![0].spans![0].attributes = [
    { key: "blob", value: { bytesValue: btoa(binary) } },
  ];
  const decoded = decodeExportRequest(encodeExportRequest(payload));
  const value = decoded.resourceSpans![0].scopeSpans![0].spans![0].attributes![0].value!;
  assert.equal(value.bytesValue, btoa(binary));
});
