/**
 * Which failure, if any, a request gets: the `x-sim-fault` header (deterministic, for tests)
 * wins; otherwise the configured rates are drawn from the seeded RNG, one draw per request.
 *
 * | `x-sim-fault`  | effect                                                                        |
 * | -------------- | ----------------------------------------------------------------------------- |
 * | `http500`      | 500 InternalServerError JSON before any streaming                             |
 * | `http400`      | 400 BadRequestError JSON                                                      |
 * | `http404`      | 404 NotFoundError JSON (unknown model)                                        |
 * | `stream_error` | 200, half the tokens, then `data: {"error":{...,"code":500}}` and `[DONE]`    |
 * | `cut`          | 200, half the tokens, then the connection is destroyed (no `[DONE]`)          |
 * | `stall`        | after the first content chunk, writes pause for `stallMs` (or `x-sim-stall-ms`) |
 *
 * @module
 */
import type { Rng } from "../util/rng.ts";
import type { FaultOptions } from "./options.ts";

/** A fault the simulator can inject. */
export type FaultKind = "http500" | "http400" | "http404" | "stream_error" | "cut" | "stall";

/** Every value `x-sim-fault` accepts. */
export const FAULT_KINDS: readonly FaultKind[] = [
  "http500",
  "http400",
  "http404",
  "stream_error",
  "cut",
  "stall",
];

/** Error from a bad `x-sim-fault` / `x-sim-stall-ms` header. */
export class FaultHeaderError extends Error {}

/**
 * Picks the fault of one request. Throws {@link FaultHeaderError} for an unknown header value.
 * Draws from `rng` only when no header is given and some rate is non-zero, so fault-free runs
 * leave the RNG sequence alone.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chooseFault } from "./faults.ts";
 * import { createRng } from "../util/rng.ts";
 * assert.equal(chooseFault("cut", {}, createRng(1)), "cut"); // asked for by the request
 * assert.equal(chooseFault(null, { http500Rate: 1 }, createRng(1)), "http500");
 * ```
 */
export function chooseFault(
  header: string | null,
  rates: FaultOptions,
  rng: Rng,
): FaultKind | null {
  if (header !== null && header.trim() !== "") {
    const kind = header.trim().toLowerCase() as FaultKind;
    if (!FAULT_KINDS.includes(kind)) {
      throw new FaultHeaderError(
        `x-sim-fault must be one of ${FAULT_KINDS.join(", ")}; got ${JSON.stringify(header)}`,
      );
    }
    return kind;
  }
  const table: [FaultKind, number][] = [
    ["http500", rates.http500Rate ?? 0],
    ["stream_error", rates.streamErrorRate ?? 0],
    ["cut", rates.cutRate ?? 0],
    ["stall", rates.stallRate ?? 0],
  ];
  if (table.every(([, rate]) => rate === 0)) return null;
  const u = rng.next();
  let acc = 0;
  for (const [kind, rate] of table) {
    acc += rate;
    if (u < acc) return kind;
  }
  return null;
}

/** The stall length: `x-sim-stall-ms` when given (a number ≥ 0), else the default. */
export function stallMsOf(header: string | null, fallbackMs: number): number {
  if (header === null || header.trim() === "") return fallbackMs;
  const value = Number(header);
  if (!Number.isFinite(value) || value < 0) {
    throw new FaultHeaderError(
      `x-sim-stall-ms must be a number ≥ 0; got ${JSON.stringify(header)}`,
    );
  }
  return value;
}
