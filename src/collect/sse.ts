/**
 * An incremental Server-Sent Events parser (the WHATWG `text/event-stream` format) for response
 * bodies that arrive in arbitrary byte pieces.
 *
 * - Any byte split: partial lines are kept until their terminator arrives; a UTF-8 character
 *   split across pieces is joined by a streaming `TextDecoder`.
 * - Line ends CRLF, LF or CR (a CR at the end of one piece and an LF at the start of the next
 *   count as one line end).
 * - Comment lines (`:`...) are skipped; several `data:` lines in one event are joined with `\n`.
 * - Invalid UTF-8 becomes U+FFFD; the parser never throws on input.
 * - Lines whose field name is not one of `data`, `event`, `id`, `retry` are reported to
 *   `onInvalidLine` (the format says to ignore them; a caller may treat them as a broken stream).
 *
 * Allocation-light: one decoded string per piece, one string per line, no per-event objects.
 *
 * @module
 */

/** Callbacks of an {@link SseParser}. */
export interface SseHandlers {
  /** One dispatched event: its data (data lines joined by `\n`) and its `event:` type ("message" by default). */
  onEvent(data: string, eventType: string): void;
  /** A non-empty, non-comment line whose field name is unknown. */
  onInvalidLine?(line: string): void;
}

/** What was left when the stream ended. */
export interface SseEndState {
  /** A line had started but its terminator never came. */
  partialLine: boolean;
  /** `data:` lines had been read but the blank line that dispatches them never came. */
  undispatchedEvent: boolean;
}

const LF = 10;
const CR = 13;

/**
 * Parses an SSE byte stream piece by piece and calls back for each event.
 *
 * @example
 * ```ts
 * import { SseParser } from "./sse.ts";
 * const events: string[] = [];
 * const parser = new SseParser({ onEvent: (data) => events.push(data) });
 * const bytes = new TextEncoder().encode('data: {"a":1}\n\ndata: [DONE]\n\n');
 * parser.feed(bytes.subarray(0, 5));
 * parser.feed(bytes.subarray(5));
 * parser.end();
 * console.log(events); // ['{"a":1}', "[DONE]"]
 * ```
 */
export class SseParser {
  readonly #handlers: SseHandlers;
  /** Streaming decoder; it drops a leading byte-order mark and maps invalid bytes to U+FFFD. */
  readonly #decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false });
  /** Text of a line whose terminator has not arrived yet. */
  #partial = "";
  /** The previous piece ended with CR: drop one LF at the start of the next. */
  #skipLeadingLf = false;
  #data = "";
  #hasData = false;
  #eventType = "";
  #lastEventId = "";

  /** Creates a parser that reports to the given handlers. */
  constructor(handlers: SseHandlers) {
    this.#handlers = handlers;
  }

  /** The last `id:` field seen (SSE's "last event ID"). */
  get lastEventId(): string {
    return this.#lastEventId;
  }

  /** Feeds the next piece of the body (any length, any split). */
  feed(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#text(this.#decoder.decode(bytes, { stream: true }));
  }

  /** Feeds already-decoded text (for tests and for string sources). */
  feedText(text: string): void {
    this.#text(text);
  }

  /**
   * Ends the stream: flushes the decoder (an incomplete UTF-8 sequence becomes U+FFFD) and
   * reports what was left over. An event without its closing blank line is not dispatched, as
   * the format says.
   */
  end(): SseEndState {
    const rest = this.#decoder.decode();
    if (rest.length > 0) this.#text(rest);
    const state: SseEndState = {
      partialLine: this.#partial.length > 0,
      undispatchedEvent: this.#hasData,
    };
    this.#partial = "";
    this.#data = "";
    this.#hasData = false;
    this.#eventType = "";
    return state;
  }

  #text(text: string): void {
    if (text.length === 0) return;
    const previous = this.#partial;
    const buf = previous.length > 0 ? previous + text : text;
    let lineStart = 0;
    if (this.#skipLeadingLf) {
      this.#skipLeadingLf = false;
      if (buf.charCodeAt(0) === LF) lineStart = 1;
    }
    // `previous` holds no terminators, so searching can start after it.
    const searchFrom = Math.max(lineStart, previous.length);
    let nextLf = buf.indexOf("\n", searchFrom);
    let nextCr = buf.indexOf("\r", searchFrom);
    for (;;) {
      let end: number;
      if (nextLf === -1 && nextCr === -1) break;
      if (nextCr === -1 || (nextLf !== -1 && nextLf < nextCr)) end = nextLf;
      else end = nextCr;
      this.#line(buf, lineStart, end);
      let next = end + 1;
      if (buf.charCodeAt(end) === CR) {
        if (next < buf.length) {
          if (buf.charCodeAt(next) === LF) next++;
        } else {
          this.#skipLeadingLf = true;
        }
      }
      lineStart = next;
      if (nextLf !== -1 && nextLf < lineStart) nextLf = buf.indexOf("\n", lineStart);
      if (nextCr !== -1 && nextCr < lineStart) nextCr = buf.indexOf("\r", lineStart);
    }
    this.#partial = lineStart < buf.length ? buf.slice(lineStart) : "";
  }

  #line(buf: string, start: number, end: number): void {
    if (start === end) {
      this.#dispatch();
      return;
    }
    const first = buf.charCodeAt(start);
    if (first === 58 /* ':' */) return; // comment
    const colon = buf.indexOf(":", start);
    let field: string;
    let value: string;
    if (colon === -1 || colon >= end) {
      field = buf.slice(start, end);
      value = "";
    } else {
      field = buf.slice(start, colon);
      let valueStart = colon + 1;
      if (buf.charCodeAt(valueStart) === 32 /* ' ' */ && valueStart < end) valueStart++;
      value = buf.slice(valueStart, end);
    }
    switch (field) {
      case "data":
        if (this.#hasData) this.#data += "\n" + value;
        else {
          this.#data = value;
          this.#hasData = true;
        }
        return;
      case "event":
        this.#eventType = value;
        return;
      case "id":
        if (!value.includes("\0")) this.#lastEventId = value;
        return;
      case "retry":
        return;
      default:
        this.#handlers.onInvalidLine?.(buf.slice(start, end));
    }
  }

  #dispatch(): void {
    if (!this.#hasData) {
      this.#eventType = "";
      return;
    }
    const data = this.#data;
    const type = this.#eventType.length > 0 ? this.#eventType : "message";
    this.#data = "";
    this.#hasData = false;
    this.#eventType = "";
    this.#handlers.onEvent(data, type);
  }
}
