/**
 * vLLM's error responses: `{"error":{"message","type","param","code"}}` with HTTP status =
 * code, `{"error":"Unauthorized"}` for a bad API key, and FastAPI's `{"detail": ...}` for unknown
 * routes.
 *
 * @module
 */

/** One error answer: status plus JSON body. */
export interface SimError {
  status: number;
  body: unknown;
}

/** vLLM's error body for a given status, type, message and param. */
export function errorResponse(
  status: number,
  type: string,
  message: string,
  param: string | null = null,
): SimError {
  return { status, body: { error: { message, type, param, code: status } } };
}

/**
 * A request-body validation error (pydantic/FastAPI): 400 with type "Bad Request" and a message
 * like vLLM's "1 validation error:\n  {...}". `param` is the field's path in the body
 * (`messages.0.role`); vLLM 0.32.0 reports it as `body.messages.0.role`, in `loc` and `param`
 * alike ("body" alone for the body itself). vLLM's message also carries an `input` summary
 * (e.g. `'<dict of 2 items>'`), which the simulator leaves out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validationError } from "./errors.ts";
 * const { status, body } = validationError("messages", "Field required", "missing");
 * assert.equal(status, 400);
 * assert.deepEqual(body, {
 *   error: {
 *     message: "1 validation error:\n" +
 *       "  {'type': 'missing', 'loc': 'body.messages', 'msg': 'Field required'}",
 *     type: "Bad Request",
 *     param: "body.messages",
 *     code: 400,
 *   },
 * });
 * ```
 */
export function validationError(param: string, msg: string, kind: string): SimError {
  const loc = param === "body" ? "body" : `body.${param}`;
  const detail = `{'type': '${kind}', 'loc': '${loc}', 'msg': '${msg}'}`;
  return errorResponse(400, "Bad Request", `1 validation error:\n  ${detail}`, loc);
}

/**
 * 400 BadRequestError for a bad parameter value, with the suffix vLLM 0.32.0 puts on it:
 * `"max_tokens must be at least 1, got 0. (parameter=max_tokens, value=0)"`. `value` is written
 * as Python would (see {@link pyFloat}); null leaves `, value=…` out.
 */
export function paramError(message: string, param: string, value: string | null): SimError {
  const where = value === null ? `parameter=${param}` : `parameter=${param}, value=${value}`;
  return badRequest(`${message} (${where})`, param);
}

/** A number as Python prints a float: `-1.0`, `0.5`. */
export function pyFloat(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/** 400 BadRequestError (vLLM's ValueError / VLLMValidationError). */
export function badRequest(message: string, param: string | null = null): SimError {
  return errorResponse(400, "BadRequestError", message, param);
}

/** 404 NotFoundError for an unknown model; vLLM 0.32.0 lists the served name(s) after it. */
export function modelNotFound(model: string, served?: string): SimError {
  const aliases = served === undefined ? "" : ` Valid aliases: ${served}.`;
  const message = `The model \`${model}\` does not exist.${aliases}`;
  return errorResponse(404, "NotFoundError", message, "model");
}

/** 500 InternalServerError, as vLLM sends for engine errors. */
export function internalError(): SimError {
  return errorResponse(500, "InternalServerError", "Internal server error", null);
}

/** 401 with vLLM's special auth-failure shape. */
export function unauthorized(): SimError {
  return { status: 401, body: { error: "Unauthorized" } };
}

/** 413 for a body over the limit. */
export function bodyTooLarge(limitBytes: number): SimError {
  return errorResponse(
    413,
    "RequestEntityTooLarge",
    `Request body exceeds the limit of ${limitBytes} bytes.`,
    null,
  );
}

/** FastAPI's 404 for an unknown route. */
export function routeNotFound(): SimError {
  return { status: 404, body: { detail: "Not Found" } };
}

/** FastAPI's 405 for a known route with the wrong method. */
export function methodNotAllowed(): SimError {
  return { status: 405, body: { detail: "Method Not Allowed" } };
}
