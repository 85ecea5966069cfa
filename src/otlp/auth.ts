/**
 * Bearer-token check shared by the HTTP and gRPC transports.
 *
 * @module
 */

const encoder = new TextEncoder();

/** Compares two strings in time independent of where they differ (length still leaks). */
function constantTimeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/**
 * Whether an `authorization` header value is `Bearer <token>` for the expected token (scheme
 * case-insensitive, as RFC 9110 says).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bearerTokenMatches } from "./auth.ts";
 * assert.equal(bearerTokenMatches("Bearer s3cret", "s3cret"), true);
 * assert.equal(bearerTokenMatches("Bearer nope", "s3cret"), false);
 * ```
 */
export function bearerTokenMatches(header: string | null | undefined, token: string): boolean {
  if (typeof header !== "string") return false;
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  return match !== null && constantTimeEqual(match[1], token);
}
