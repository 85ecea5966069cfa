/**
 * Turning character offsets in a data file into 1-based line numbers, so dataset errors can
 * say `file:line: what is wrong`.
 *
 * @module
 */

import { jsonErrorOffset, lineColumn } from "../io/json_text.ts";

/**
 * 1-based line number of a character offset in a text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lineOf } from "./text_position.ts";
 * assert.equal(lineOf("a\nb\nc", 2), 2);
 * ```
 */
export function lineOf(text: string, offset: number): number {
  return lineColumn(text, offset).line;
}

/**
 * Line number of the first JSON syntax error in `text` (V8's `JSON.parse` messages carry no
 * position; src/io's scanner finds it); null when the text is valid JSON.
 */
export function jsonErrorLine(text: string): number | null {
  const offset = jsonErrorOffset(text);
  return offset < 0 ? null : lineOf(text, offset);
}

/**
 * Character offsets at which each element of a top-level JSON array starts. Assumes `text`
 * is valid JSON whose top-level value is an array (parse it first); used only to put line
 * numbers on errors about individual elements.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { topLevelArrayElementOffsets } from "./text_position.ts";
 * assert.deepEqual(topLevelArrayElementOffsets('[1,\n {"a": [2]}]'), [1, 5]);
 * ```
 */
export function topLevelArrayElementOffsets(text: string): number[] {
  const offsets: number[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let expectingElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === "\\") escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === " " || c === "\n" || c === "\r" || c === "\t") continue;
    if (depth === 1 && expectingElement && c !== "]") {
      offsets.push(i);
      expectingElement = false;
    }
    if (c === '"') inString = true;
    else if (c === "[" || c === "{") {
      depth++;
      if (depth === 1) expectingElement = true;
    } else if (c === "]" || c === "}") depth--;
    else if (c === "," && depth === 1) expectingElement = true;
  }
  return offsets;
}
