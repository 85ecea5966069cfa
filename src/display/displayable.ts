/**
 * Rich display without `Deno.jupyter`: Deno's Jupyter kernel displays any object whose
 * `Symbol.for("Jupyter.display")` property is a function returning a MIME bundle. The symbol is
 * global, so attaching it works (and does nothing) outside the kernel too.
 *
 * @module
 */

/** A Jupyter MIME bundle: MIME type → content (strings, or objects for JSON types). */
export type MimeBundle = { [mime: string]: unknown };

/** The symbol Deno's Jupyter kernel looks for. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** The symbol `console.log`/`Deno.inspect` look for. */
const DENO_INSPECT = Symbol.for("Deno.customInspect");

/** Options of {@link displayable}. */
export interface DisplayableOptions {
  /** Plain text shown by `console.log` / `Deno.inspect` outside Jupyter. */
  text?: () => string;
}

/**
 * Makes `value` display richly in Jupyter by attaching a non-enumerable
 * `Symbol.for("Jupyter.display")` property to that object (never to its prototype).
 * `JSON.stringify`, `Object.keys` and spreading are unaffected. With `options.text`, also
 * attaches a non-enumerable `Symbol.for("Deno.customInspect")` so `console.log(value)` prints
 * that text in plain Deno. Returns the same object.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { displayable } from "./displayable.ts";
 * const point = displayable({ x: 1 }, () => ({ "text/html": "<b>x = 1</b>" }), {
 *   text: () => "x = 1",
 * });
 * assert.equal(JSON.stringify(point), '{"x":1}');
 * assert.equal(Deno.inspect(point), "x = 1"); // what console.log(point) prints
 * ```
 */
export function displayable<T extends object>(
  value: T,
  bundle: () => MimeBundle | Promise<MimeBundle>,
  options: DisplayableOptions = {},
): T {
  if (typeof bundle !== "function") {
    throw new TypeError(`displayable: bundle must be a function, got ${typeof bundle}`);
  }
  Object.defineProperty(value, JUPYTER_DISPLAY, {
    value: bundle,
    enumerable: false,
    configurable: true,
    writable: true,
  });
  const text = options.text;
  if (text) {
    Object.defineProperty(value, DENO_INSPECT, {
      value: () => text(),
      enumerable: false,
      configurable: true,
      writable: true,
    });
  }
  return value;
}
