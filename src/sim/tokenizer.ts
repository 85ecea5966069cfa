/**
 * The simulator's tokenizer and its `POST /tokenize` / `POST /detokenize` endpoints (vLLM's
 * Tokenizer API: request and response shapes as in vLLM's docs, "Tokenizer API").
 *
 * One token = 4 characters (UTF-16 code units) of the text, the last one possibly shorter, so a
 * text's token count is `estimateTokens(text)`: the same count the simulator reports as
 * `usage.prompt_tokens`. Chat messages are counted as their contents concatenated, without a
 * template, as the simulator's completions do. Token ids of ASCII pieces encode the characters
 * (7 bits each) and need no state; other pieces get ids from a table kept per simulator.
 *
 * @module
 */

import { badRequest, modelNotFound, type SimError, validationError } from "./errors.ts";
import { chatPrompt } from "./request.ts";

/** Characters per token. */
const PIECE_CHARS = 4;
/** Ids at and above this come from the table; below it they encode ASCII characters. */
const TABLE_BASE = 2 ** 28;
/** Distinct non-ASCII pieces a simulator remembers. */
const MAX_TABLE_PIECES = 1 << 20;

/**
 * Text ↔ token ids, deterministic and reversible (`detokenize(tokenize(t)) === t`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SimTokenizer } from "./tokenizer.ts";
 * const tokenizer = new SimTokenizer();
 * const ids = tokenizer.tokenize("Hello, wörld") ?? [];
 * assert.equal(ids.length, 3);
 * assert.equal(tokenizer.detokenize(ids), "Hello, wörld");
 * ```
 */
export class SimTokenizer {
  readonly #pieces: string[] = [];
  readonly #ids = new Map<string, number>();

  /** The ids of a text: one per 4 characters; null when the table of non-ASCII pieces is full. */
  tokenize(text: string): number[] | null {
    const ids: number[] = [];
    for (let i = 0; i < text.length; i += PIECE_CHARS) {
      const id = this.#idOf(text.slice(i, i + PIECE_CHARS));
      if (id === null) return null;
      ids.push(id);
    }
    return ids;
  }

  /** The text of ids, or null when one of them is not a token id of this tokenizer. */
  detokenize(ids: readonly number[]): string | null {
    let text = "";
    for (const id of ids) {
      const piece = this.#pieceOf(id);
      if (piece === null) return null;
      text += piece;
    }
    return text;
  }

  #idOf(piece: string): number | null {
    let id = 0;
    for (let i = piece.length - 1; i >= 0; i--) {
      const code = piece.charCodeAt(i);
      if (code === 0 || code > 127) return this.#tableId(piece);
      id = id * 128 + code;
    }
    return id;
  }

  #tableId(piece: string): number | null {
    const known = this.#ids.get(piece);
    if (known !== undefined) return known;
    if (this.#pieces.length >= MAX_TABLE_PIECES) return null;
    const id = TABLE_BASE + this.#pieces.length;
    this.#pieces.push(piece);
    this.#ids.set(piece, id);
    return id;
  }

  #pieceOf(id: number): string | null {
    if (!Number.isInteger(id) || id < 1) return null;
    if (id >= TABLE_BASE) return this.#pieces[id - TABLE_BASE] ?? null;
    let piece = "";
    for (let rest = id; rest > 0; rest = Math.floor(rest / 128)) {
      piece += String.fromCharCode(rest % 128);
    }
    return piece.length <= PIECE_CHARS ? piece : null;
  }
}

/** What the endpoints need to know about the simulator. */
export interface TokenizerContext {
  tokenizer: SimTokenizer;
  model: string;
  maxModelLen: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The model field: absent, or the served model. */
function checkModel(body: Record<string, unknown>, model: string): SimError | null {
  if (body.model === undefined || body.model === null) return null;
  if (typeof body.model !== "string") {
    return validationError("model", "Input should be a valid string", "string_type");
  }
  return body.model === model ? null : modelNotFound(body.model);
}

/**
 * `POST /tokenize`: `{prompt}` or `{messages}` (optional `model`, `add_special_tokens`) →
 * `{count, max_model_len, tokens, token_strs}` (token_strs only with `return_token_strs`).
 */
export function tokenizeResponse(body: unknown, ctx: TokenizerContext): SimError {
  if (!isObject(body)) {
    return validationError("body", "Input should be a valid dictionary", "model_attributes_type");
  }
  const modelError = checkModel(body, ctx.model);
  if (modelError !== null) return modelError;
  let text: string;
  if (body.messages !== undefined) {
    const prompt = chatPrompt(body.messages);
    if (typeof prompt !== "string") return prompt;
    text = prompt;
  } else if (typeof body.prompt === "string") {
    text = body.prompt;
  } else {
    return validationError("prompt", "Field required", "missing");
  }
  const tokens = ctx.tokenizer.tokenize(text);
  if (tokens === null) return badRequest("the simulator's tokenizer table is full");
  const strs = body.return_token_strs === true
    ? tokens.map((id) => ctx.tokenizer.detokenize([id]))
    : null;
  return {
    status: 200,
    body: { count: tokens.length, max_model_len: ctx.maxModelLen, tokens, token_strs: strs },
  };
}

/** `POST /detokenize`: `{tokens}` (optional `model`) → `{prompt}`. */
export function detokenizeResponse(body: unknown, ctx: TokenizerContext): SimError {
  if (!isObject(body)) {
    return validationError("body", "Input should be a valid dictionary", "model_attributes_type");
  }
  const modelError = checkModel(body, ctx.model);
  if (modelError !== null) return modelError;
  if (!Array.isArray(body.tokens)) return validationError("tokens", "Field required", "missing");
  const text = ctx.tokenizer.detokenize(body.tokens as number[]);
  if (text === null) return badRequest("tokens holds an id that is not a token id", "tokens");
  return { status: 200, body: { prompt: text } };
}
