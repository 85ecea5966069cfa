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
 * - One event is limited in size (`maxEventChars`, default 8 Mi characters): a larger one is
 *   dropped and reported to `onEventTooLarge`, so a hostile stream cannot grow memory or time.
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
  /**
   * The event being read grew past `maxEventChars` (`chars` is its size so far). The parser drops
   * it and skips its remaining lines up to the blank line that would have dispatched it; a caller
   * may throw here to stop reading.
   */
  onEventTooLarge?(chars: number, limitChars: number): void;
}

/** Settings of an {@link SseParser}. */
export interface SseParserOptions {
  /**
   * Largest event accepted, in decoded characters (UTF-16 code units) of its lines as received
   * (field names included, line ends not), the line being read included. Default
   * {@link DEFAULT_MAX_EVENT_CHARS}.
   */
  maxEventChars?: number;
}

/** Default limit of one event: 8 Mi characters (at least 8 MiB of UTF-8 on the wire). */
export const DEFAULT_MAX_EVENT_CHARS = 8 * 1024 * 1024;

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
 * Parses an SSE byte stream piece by piece and calls back for each event. Time is linear in the
 * bytes, however long a line is and however finely it is split: each piece is scanned once, and
 * a line spread over many pieces is joined once, when its terminator arrives.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SseParser } from "./sse.ts";
 * const events: string[] = [];
 * const parser = new SseParser({ onEvent: (data) => events.push(data) });
 * const bytes = new TextEncoder().encode('data: {"a":1}\n\ndata: [DONE]\n\n');
 * parser.feed(bytes.subarray(0, 5));
 * parser.feed(bytes.subarray(5));
 * parser.end();
 * assert.deepEqual(events, ['{"a":1}', "[DONE]"]);
 * ```
 */
export class SseParser {
  readonly #handlers: SseHandlers;
  readonly #maxEventChars: number;
  /**
   * Decoders; invalid bytes become U+FFFD. A piece that ends in an ASCII byte leaves no partial
   * character behind, so it is decoded in one shot (Deno's fast path, several times quicker than
   * the streaming one); the streaming decoder takes over while a character is split across
   * pieces. Both keep a byte-order mark, which `#text` drops at the start of the stream.
   */
  readonly #wholeDecoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
  readonly #streamDecoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
  /** The last piece ended in a non-ASCII byte: the streaming decoder may hold part of a character. */
  #splitChar = false;
  /** No text has been decoded yet (a leading byte-order mark is still to be dropped). */
  #atStart = true;
  /** Pieces of a line whose terminator has not arrived yet (none contains a terminator). */
  #partial: string[] = [];
  /** Characters in the unterminated line (counted even while its pieces are being dropped). */
  #partialChars = 0;
  /** The previous piece ended with CR: drop one LF at the start of the next. */
  #skipLeadingLf = false;
  #data = "";
  #hasData = false;
  #eventType = "";
  #lastEventId = "";
  /** Characters of the current event's complete lines (field names included, line ends not). */
  #eventChars = 0;
  /** The current event went over the limit: skip its lines up to its blank line. */
  #dropping = false;

  /** Creates a parser that reports to the given handlers. */
  constructor(handlers: SseHandlers, options: SseParserOptions = {}) {
    const limit = options.maxEventChars ?? DEFAULT_MAX_EVENT_CHARS;
    if (!(limit >= 1)) {
      throw new RangeError(`SseParser: maxEventChars must be ≥ 1, got ${limit}`);
    }
    this.#handlers = handlers;
    this.#maxEventChars = limit;
  }

  /** The last `id:` field seen (SSE's "last event ID"). */
  get lastEventId(): string {
    return this.#lastEventId;
  }

  /** Feeds the next piece of the body (any length, any split). */
  feed(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const endsInAscii = bytes[bytes.length - 1] < 0x80;
    const text = this.#splitChar || !endsInAscii
      ? this.#streamDecoder.decode(bytes, { stream: true })
      : this.#wholeDecoder.decode(bytes);
    this.#splitChar = !endsInAscii;
    this.#decoded(text);
  }

  /** Feeds already-decoded text (for tests and for string sources). */
  feedText(text: string): void {
    this.#decoded(text);
  }

  /**
   * Ends the stream: flushes the decoder (an incomplete UTF-8 sequence becomes U+FFFD) and
   * reports what was left over. An event without its closing blank line is not dispatched, as
   * the format says.
   */
  end(): SseEndState {
    if (this.#splitChar) this.#decoded(this.#streamDecoder.decode());
    this.#splitChar = false;
    const state: SseEndState = {
      partialLine: this.#partialChars > 0,
      undispatchedEvent: this.#hasData || this.#dropping,
    };
    this.#partial = [];
    this.#partialChars = 0;
    this.#clearEvent();
    this.#dropping = false;
    return state;
  }

  #decoded(text: string): void {
    if (text.length === 0) return;
    if (this.#atStart) {
      this.#atStart = false;
      if (text.charCodeAt(0) === 0xfeff) return this.#text(text.slice(1));
    }
    this.#text(text);
  }

  #text(text: string): void {
    if (text.length === 0) return;
    let lineStart = 0;
    if (this.#skipLeadingLf) {
      this.#skipLeadingLf = false;
      if (text.charCodeAt(0) === LF) lineStart = 1;
    }
    // Only the new text is searched: the unterminated line's pieces hold no terminators.
    let nextLf = text.indexOf("\n", lineStart);
    let nextCr = text.indexOf("\r", lineStart);
    while (nextLf !== -1 || nextCr !== -1) {
      const end = nextCr === -1 || (nextLf !== -1 && nextLf < nextCr) ? nextLf : nextCr;
      if (this.#partialChars > 0) this.#finishPartialLine(text, lineStart, end);
      else this.#completeLine(text, lineStart, end);
      let next = end + 1;
      if (text.charCodeAt(end) === CR) {
        if (next < text.length) {
          if (text.charCodeAt(next) === LF) next++;
        } else {
          this.#skipLeadingLf = true;
        }
      }
      lineStart = next;
      if (nextLf !== -1 && nextLf < lineStart) nextLf = text.indexOf("\n", lineStart);
      if (nextCr !== -1 && nextCr < lineStart) nextCr = text.indexOf("\r", lineStart);
    }
    if (lineStart < text.length) this.#keepPartial(text, lineStart);
  }

  /** Keeps the unterminated tail of a piece, unless it makes the event too large. */
  #keepPartial(text: string, from: number): void {
    this.#partialChars += text.length - from;
    if (this.#dropping) return;
    this.#partial.push(from === 0 ? text : text.slice(from));
    const eventChars = this.#eventChars + this.#partialChars;
    if (eventChars > this.#maxEventChars) this.#tooLarge(eventChars);
  }

  /** Joins the unterminated line's pieces with the start of this piece, once. */
  #finishPartialLine(text: string, start: number, end: number): void {
    const chars = this.#partialChars + (end - start);
    const pieces = this.#partial;
    this.#partial = [];
    this.#partialChars = 0;
    if (this.#dropping) return; // a non-empty line of a dropped event
    if (this.#eventChars + chars > this.#maxEventChars) {
      return this.#tooLarge(this.#eventChars + chars);
    }
    pieces.push(text.slice(start, end));
    const line = pieces.join("");
    this.#eventChars += chars;
    this.#line(line, 0, line.length);
  }

  /** A whole line inside one piece: counted against the limit, then parsed. */
  #completeLine(buf: string, start: number, end: number): void {
    if (start === end) {
      if (this.#dropping) this.#dropping = false; // the dropped event's blank line
      else this.#dispatch();
      this.#eventChars = 0;
      return;
    }
    if (this.#dropping) return;
    const eventChars = this.#eventChars + (end - start);
    if (eventChars > this.#maxEventChars) return this.#tooLarge(eventChars);
    this.#eventChars = eventChars;
    this.#line(buf, start, end);
  }

  /** Drops the current event and tells the handler (which may throw). */
  #tooLarge(eventChars: number): void {
    this.#partial = [];
    this.#clearEvent();
    this.#dropping = true;
    this.#handlers.onEventTooLarge?.(eventChars, this.#maxEventChars);
  }

  #clearEvent(): void {
    this.#eventChars = 0;
    this.#data = "";
    this.#hasData = false;
    this.#eventType = "";
  }

  /** Parses one non-empty line. */
  #line(buf: string, start: number, end: number): void {
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
