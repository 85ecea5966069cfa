/**
 * JSON.parse with errors that name the file, line and column. V8's SyntaxError messages often
 * carry no position ("Unexpected token 'x', ... is not valid JSON"), so on failure a small
 * iterative scanner finds where the text stops being JSON.
 *
 * @module
 */

import { FileFormatError } from "./errors.ts";

/**
 * Parses `text` as JSON or throws a {@link FileFormatError} at the line and column of the first
 * invalid character (the end of the text when it is truncated). `firstLine` is the file line the
 * text starts on.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseJson } from "./json_text.ts";
 * assert.deepEqual(parseJson('{"a": true}', "x.json"), { a: true });
 * assert.throws(() => parseJson('{\n"a": tru}', "x.json"), {
 *   name: "FileFormatError",
 *   message: /^x\.json:2:6: invalid JSON/, // file:line:column
 * });
 * ```
 */
export function parseJson(text: string, file: string, firstLine = 1): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const offset = jsonErrorOffset(text);
    const at = offset < 0
      ? { file, line: firstLine }
      : { file, ...lineColumn(text, offset, firstLine) };
    const reason = offset >= text.length
      ? "truncated JSON (the text ends too early)"
      : "invalid JSON";
    throw new FileFormatError(
      at,
      `${reason} (${(error as Error).message.split("\n")[0].slice(0, 120)})`,
    );
  }
}

/** 1-based line and column of character `offset` in `text`. */
export function lineColumn(
  text: string,
  offset: number,
  firstLine = 1,
): { line: number; column: number } {
  let line = firstLine;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text.charCodeAt(k) === 10) {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

/**
 * Offset of the first character at which `text` stops being valid JSON (`text.length` when it
 * ends too early), or -1 when it is valid. Iterative, so deep nesting cannot overflow the stack.
 */
export function jsonErrorOffset(text: string): number {
  const n = text.length;
  const stack: string[] = [];
  let i = 0;
  let state: "value" | "value_or_close" | "key" | "key_or_close" | "after" = "value";
  const skip = () => {
    WHITESPACE.lastIndex = i;
    WHITESPACE.exec(text);
    i = WHITESPACE.lastIndex;
  };
  const string = (): boolean => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 92) {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i = Math.min(n, i + 2);
            return false;
          }
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else {
          i = Math.min(n, i + 1);
          return false;
        }
      } else i++;
    }
    return false;
  };
  for (;;) {
    skip();
    if (state === "after") {
      if (stack.length === 0) return i < n ? i : -1;
      if (i >= n) return n;
      const top = stack[stack.length - 1];
      const c = text[i];
      if (c === ",") {
        i++;
        state = top === "{" ? "key" : "value";
      } else if (c === (top === "{" ? "}" : "]")) {
        i++;
        stack.pop();
      } else return i;
      continue;
    }
    if (i >= n) return n;
    const c = text[i];
    if (state === "key" || state === "key_or_close") {
      if (state === "key_or_close" && c === "}") {
        i++;
        stack.pop();
        state = "after";
        continue;
      }
      if (c !== '"' || !string()) return Math.min(i, n);
      skip();
      if (i >= n) return n;
      if (text[i] !== ":") return i;
      i++;
      state = "value";
      continue;
    }
    if (state === "value_or_close" && c === "]") {
      i++;
      stack.pop();
      state = "after";
      continue;
    }
    if (c === "{") {
      stack.push("{");
      i++;
      state = "key_or_close";
    } else if (c === "[") {
      stack.push("[");
      i++;
      state = "value_or_close";
    } else if (c === '"') {
      if (!string()) return Math.min(i, n);
      state = "after";
    } else if (text.startsWith("true", i) || text.startsWith("null", i)) {
      i += 4;
      state = "after";
    } else if (text.startsWith("false", i)) {
      i += 5;
      state = "after";
    } else {
      NUMBER.lastIndex = i;
      if (!NUMBER.exec(text)) {
        // A literal cut short at the end ("tr", "-") is truncation, not corruption.
        const rest = text.slice(i);
        return ["true", "false", "null"].some((w) => w.startsWith(rest)) || rest === "-" ? n : i;
      }
      i = NUMBER.lastIndex;
      state = "after";
    }
  }
}
