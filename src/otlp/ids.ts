/**
 * Trace and span id normalisation: every id in this project is lower-case hex of fixed width
 * (32 chars for traces, 16 for spans). Back ends differ: OTLP/JSON uses hex, Tempo base64,
 * Jaeger v1 may drop the high 64 bits (16 chars) or leading zeros (31 chars).
 *
 * @module
 */

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

function base64ToHex(text: string): string | null {
  try {
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    let out = "";
    for (let i = 0; i < bin.length; i++) out += bin.charCodeAt(i).toString(16).padStart(2, "0");
    return out;
  } catch {
    return null;
  }
}

function normalizeId(raw: string, width: 32 | 16): string | null {
  const text = raw.trim();
  if (text.length === 0) return null;
  if (HEX.test(text) && text.length <= width) return text.toLowerCase().padStart(width, "0");
  // base64 of 16 bytes is 24 chars (22 unpadded); of 8 bytes 12 chars (11 unpadded)
  if (BASE64.test(text)) {
    const hex = base64ToHex(text);
    if (hex !== null && hex.length === width) return hex;
  }
  return null;
}

/**
 * Normalises a trace id given as hex (1–32 chars, left-padded) or base64 (16 bytes) to 32
 * lower-case hex chars. Returns null when it is neither, or all zeros (invalid in OTLP).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeTraceId } from "./ids.ts";
 * assert.equal(normalizeTraceId("006c3cf93508f205"), "0000000000000000006c3cf93508f205");
 * assert.equal(normalizeTraceId("g0"), null);
 * ```
 */
export function normalizeTraceId(raw: string): string | null {
  const id = normalizeId(raw, 32);
  return id === null || /^0+$/.test(id) ? null : id;
}

/**
 * Normalises a span id (hex up to 16 chars, or base64 of 8 bytes) to 16 lower-case hex chars;
 * null when invalid or all zeros.
 */
export function normalizeSpanId(raw: string): string | null {
  const id = normalizeId(raw, 16);
  return id === null || /^0+$/.test(id) ? null : id;
}
