import assert from "node:assert/strict";
import {
  classifyException,
  httpError,
  MAX_ERROR_MESSAGE_CHARS,
  parseErrorPayload,
  redact,
  redactError,
  RequestFailure,
  streamError,
} from "./errors.ts";

const withCode = (message: string, code: string, cause?: unknown) =>
  Object.assign(new Error(message, cause === undefined ? undefined : { cause }), { code });

Deno.test("httpError() reads vLLM's nested error shape", () => {
  const e = httpError(
    400,
    '{"error":{"message":"too long","type":"BadRequestError","param":"messages","code":400}}',
  );
  assert.deepEqual(e, {
    kind: "http_error",
    message: "HTTP 400: too long",
    status: 400,
    type: "BadRequestError",
    param: "messages",
  });
});

Deno.test("httpError() reads the older flat shape and the bare Unauthorized shape", () => {
  const flat = httpError(
    500,
    '{"object":"error","message":"boom","type":"InternalServerError","param":null,"code":500}',
  );
  assert.equal(flat.type, "InternalServerError");
  assert.equal(flat.param, null);
  assert.equal(flat.message, "HTTP 500: boom");
  const unauthorized = httpError(401, '{"error":"Unauthorized"}');
  assert.equal(unauthorized.message, "HTTP 401: Unauthorized");
  assert.equal(unauthorized.type, undefined);
});

Deno.test("httpError() keeps a non-JSON body as one bounded line", () => {
  const e = httpError(502, "<html>\n<body>Bad gateway</body>\n</html>");
  assert.equal(e.message, "HTTP 502: <html> <body>Bad gateway</body> </html>");
  const long = httpError(500, "x".repeat(5000));
  assert.equal(long.message.length, MAX_ERROR_MESSAGE_CHARS);
  assert.equal(httpError(503, "").message, "HTTP 503: (empty body)");
});

Deno.test("streamError() keeps the code as status and the type", () => {
  const e = streamError({
    message: "Internal server error",
    type: "InternalServerError",
    code: 500,
  });
  assert.deepEqual(e, {
    kind: "stream_error",
    message: "error event in stream: Internal server error",
    status: 500,
    type: "InternalServerError",
  });
  assert.equal(streamError("oops").message, "error event in stream: oops");
});

Deno.test("parseErrorPayload() returns null for objects that are not errors", () => {
  assert.equal(parseErrorPayload({ id: "x" }), null);
  assert.equal(parseErrorPayload(42), null);
  assert.deepEqual(parseErrorPayload({ error: { message: "m", code: "404" } }), {
    message: "m",
    code: 404,
  });
});

Deno.test("classifyException() maps network error codes to kinds, looking through causes", () => {
  const kind = (err: unknown, phase: "connect" | "headers" | "body" = "body") =>
    classifyException(err, { aborted: false, phase }).kind;
  assert.equal(
    kind(withCode("connect ECONNREFUSED 127.0.0.1:1", "ECONNREFUSED"), "connect"),
    "connection_refused",
  );
  assert.equal(
    kind(withCode("getaddrinfo ENOTFOUND x", "ENOTFOUND"), "connect"),
    "connection_refused",
  );
  assert.equal(kind(withCode("other side closed", "UND_ERR_SOCKET")), "connection_reset");
  assert.equal(
    kind(withCode("fetch failed", "X", withCode("read ECONNRESET", "ECONNRESET"))),
    "connection_reset",
  );
  assert.equal(
    kind(withCode("Headers Timeout Error", "UND_ERR_HEADERS_TIMEOUT"), "headers"),
    "timeout",
  );
  assert.equal(
    kind(Object.assign(new Error("This operation was aborted"), { name: "AbortError" })),
    "aborted",
  );
  assert.equal(kind(new Error("weird")), "unknown");
  assert.equal(kind("a string"), "unknown");
});

Deno.test("classifyException() says aborted whenever the caller's signal fired", () => {
  const e = classifyException(withCode("other side closed", "UND_ERR_SOCKET"), {
    aborted: true,
    phase: "body",
  });
  assert.equal(e.kind, "aborted");
});

Deno.test("classifyException() passes a RequestFailure's error through", () => {
  const failure = new RequestFailure("response_too_large", "too big");
  assert.deepEqual(classifyException(failure, { aborted: false, phase: "body" }), {
    kind: "response_too_large",
    message: "too big",
  });
});

Deno.test("redact() removes every occurrence of every secret", () => {
  assert.equal(redact("k=abc and abc again", ["abc", ""]), "k=[redacted] and [redacted] again");
  const e = redactError({ kind: "http_error", message: "Bearer abc", status: 401 }, ["abc"]);
  assert.deepEqual(e, { kind: "http_error", message: "Bearer [redacted]", status: 401 });
});
