import assert from "node:assert/strict";
import { isSimError, parseCompletionRequest, type ParsedRequest } from "./request.ts";
import type { SimError } from "./errors.ts";

const ctx = { model: "m", defaultMaxTokens: 16, maxModelLen: 100 };

function ok(value: ParsedRequest | SimError): ParsedRequest {
  if (isSimError(value)) throw new Error(`unexpected error ${JSON.stringify(value.body)}`);
  return value;
}

function err(
  value: ParsedRequest | SimError,
): { status: number; type: string; param: string | null } {
  if (!isSimError(value)) throw new Error("expected an error");
  const e = (value.body as { error: { type: string; param: string | null } }).error;
  return { status: value.status, type: e.type, param: e.param };
}

Deno.test("parseCompletionRequest() counts prompt tokens over concatenated message contents", () => {
  const r = ok(parseCompletionRequest("chat", {
    messages: [
      { role: "system", content: "abcd" },
      { role: "user", content: [{ type: "text", text: "efgh" }, { type: "image_url" }] },
      { role: "assistant", content: null },
    ],
  }, ctx));
  assert.equal(r.prompt_tokens, 2);
  assert.equal(r.max_tokens, 16, "the default budget");
  assert.deepEqual([r.temperature, r.top_p, r.n], [1, 1, 1], "vLLM's sampling defaults");
});

Deno.test("parseCompletionRequest() reads stream options, max_completion_tokens and extensions", () => {
  const r = ok(parseCompletionRequest("chat", {
    messages: [{ role: "user", content: "x" }],
    max_completion_tokens: 7,
    stream: true,
    stream_options: { include_usage: true, continuous_usage_stats: true },
    ignore_eos: true,
    request_id: "body-id",
    min_tokens: 3,
  }, ctx));
  assert.equal(r.max_tokens, 7);
  assert.equal(r.min_tokens, 3);
  assert.ok(r.stream && r.include_usage && r.continuous_usage && r.ignore_eos);
  assert.equal(r.body_request_id, "body-id");
  const noUsage = ok(parseCompletionRequest("completions", {
    prompt: "x",
    stream: true,
    stream_options: { continuous_usage_stats: true },
  }, ctx));
  assert.equal(noUsage.continuous_usage, false, "continuous stats need include_usage");
});

Deno.test("parseCompletionRequest() accepts token-id prompts and a one-element prompt list", () => {
  assert.equal(
    ok(parseCompletionRequest("completions", { prompt: [1, 2, 3, 4, 5] }, ctx)).prompt_tokens,
    5,
  );
  assert.equal(
    ok(parseCompletionRequest("completions", { prompt: ["abcdefgh"] }, ctx)).prompt_tokens,
    2,
  );
  assert.equal(
    err(parseCompletionRequest("completions", { prompt: ["a", "b"] }, ctx)).param,
    "prompt",
  );
});

Deno.test("parseCompletionRequest() caps the default budget by the context length", () => {
  const r = ok(parseCompletionRequest("completions", { prompt: "a".repeat(360) }, ctx));
  assert.equal(r.prompt_tokens, 90);
  assert.equal(r.max_tokens, 10);
});

Deno.test("parseCompletionRequest() rejects bad bodies with vLLM's status, type and param", () => {
  const cases: [unknown, { status: number; type: string; param: string | null }][] = [
    [[1, 2], { status: 400, type: "Bad Request", param: "body" }],
    [{ model: 3, messages: [] }, { status: 400, type: "Bad Request", param: "body.model" }],
    [{ model: "other", messages: [] }, { status: 404, type: "NotFoundError", param: "model" }],
    [{ messages: "hi" }, { status: 400, type: "Bad Request", param: "body.messages" }],
    [{ messages: [{ content: "x" }] }, {
      status: 400,
      type: "Bad Request",
      param: "body.messages.0.role",
    }],
    [{ messages: [{ role: "user", content: 5 }] }, {
      status: 400,
      type: "Bad Request",
      param: "body.messages.0.content",
    }],
    [{ messages: [{ role: "user", content: "x" }], stream: "yes" }, {
      status: 400,
      type: "Bad Request",
      param: "body.stream",
    }],
    [{ messages: [{ role: "user", content: "x" }], stream: false, stream_options: {} }, {
      status: 400,
      type: "BadRequestError",
      param: "stream_options",
    }],
    [{ messages: [{ role: "user", content: "x" }], max_tokens: 1.5 }, {
      status: 400,
      type: "Bad Request",
      param: "body.max_tokens",
    }],
    [{ messages: [{ role: "user", content: "x" }], max_tokens: 0 }, {
      status: 400,
      type: "BadRequestError",
      param: "max_tokens",
    }],
    [{ messages: [{ role: "user", content: "x" }], n: 2 }, {
      status: 400,
      type: "BadRequestError",
      param: "n",
    }],
    [{ messages: [{ role: "user", content: "x" }], temperature: "hot" }, {
      status: 400,
      type: "Bad Request",
      param: "body.temperature",
    }],
    [{ messages: [{ role: "user", content: "x" }], temperature: -1 }, {
      status: 400,
      type: "BadRequestError",
      param: "temperature",
    }],
    [{ messages: [{ role: "user", content: "x" }], max_tokens: 101 }, {
      status: 400,
      type: "BadRequestError",
      param: "max_tokens",
    }],
    [{ messages: [{ role: "user", content: "a".repeat(404) }] }, {
      status: 400,
      type: "BadRequestError",
      param: "input_tokens",
    }],
    [{ messages: [{ role: "user", content: "a".repeat(400) }] }, {
      status: 400,
      type: "BadRequestError",
      param: "max_tokens",
    }],
  ];
  for (const [body, expected] of cases) {
    assert.deepEqual(
      err(parseCompletionRequest("chat", body, ctx)),
      expected,
      JSON.stringify(body),
    );
  }
  const overflow = parseCompletionRequest("chat", {
    messages: [{ role: "user", content: "x" }],
    max_tokens: 101,
  }, ctx) as SimError;
  assert.equal(
    (overflow.body as { error: { message: string } }).error.message,
    "max_tokens=101 cannot be greater than max_model_len=100. Please request fewer output tokens. (parameter=max_tokens, value=101)",
  );
});
