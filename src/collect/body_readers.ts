/**
 * The readers of a response body ({@link BodyReader}s for `exchange`): an error body's text, a
 * JSON body, and an SSE stream timed chunk by chunk into a {@link StreamMetricsBuilder}.
 *
 * The stream ends at `data: [DONE]`: nothing after it is timed or counted (it is noted), and a
 * server that keeps the connection open after it gets {@link AFTER_DONE_GRACE_MS} to end the
 * body before the client closes it.
 *
 * @module
 */

import type { StreamMetricsBuilder } from "../metrics/client.ts";
import type { AnswerText } from "./answer_text.ts";
import { RequestFailure } from "./errors.ts";
import type { BodyReader, ExchangeControl } from "./exchange.ts";
import { SseParser } from "./sse.ts";

/**
 * After `data: [DONE]`, how long the server has to end the body before the client closes the
 * connection. Short: the request is already complete and holds its concurrency slot meanwhile.
 */
export const AFTER_DONE_GRACE_MS = 100;

/** Called with each piece's arrival time (epoch ms): the request's last sign of life. */
export type OnActivity = (atMs: number) => void;

/**
 * Keeps the first `limitBytes` of a body as text (an error body, for its message), then closes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TextReader } from "./body_readers.ts";
 * let closed = false;
 * const reader = new TextReader(4, { close: () => closed = true });
 * reader.data(new TextEncoder().encode("bad request"));
 * assert.equal(reader.text, "bad request");
 * assert.equal(closed, true);
 * ```
 */
export class TextReader implements BodyReader {
  #decoder = new TextDecoder();
  #bytes = 0;
  #text = "";

  constructor(readonly limitBytes: number, readonly control: ExchangeControl) {}

  data(piece: Uint8Array): void {
    this.#bytes += piece.length;
    this.#text += this.#decoder.decode(piece, { stream: true });
    if (this.#bytes >= this.limitBytes) this.control.close();
  }

  end(): void {}

  /** What was read so far. */
  get text(): string {
    return this.#text + this.#decoder.decode();
  }
}

/**
 * Reads a whole JSON body (a non-streamed answer), up to `maxBytes`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { JsonReader } from "./body_readers.ts";
 * const reader = new JsonReader(1024, 100, () => {});
 * reader.data(new TextEncoder().encode('{"usage":'), 101);
 * reader.data(new TextEncoder().encode('{"completion_tokens":3}}'), 140);
 * reader.end();
 * assert.deepEqual(reader.response, { usage: { completion_tokens: 3 } });
 * assert.equal(reader.endMs, 40); // the last piece, from the request's start
 * ```
 */
export class JsonReader implements BodyReader {
  #pieces: Uint8Array[] = [];
  #bytes = 0;
  #lastMs: number;
  /** The parsed body, once ended. */
  response: unknown = null;
  /** When the body was complete, ms from the request's start. */
  endMs = 0;

  constructor(
    readonly maxBytes: number,
    readonly startMs: number,
    readonly onActivity: OnActivity,
  ) {
    this.#lastMs = startMs;
  }

  data(piece: Uint8Array, atMs: number): void {
    this.onActivity(atMs);
    this.#lastMs = atMs;
    this.#bytes += piece.length;
    if (this.#bytes > this.maxBytes) throw tooLarge(this.maxBytes);
    this.#pieces.push(piece);
  }

  end(): void {
    this.endMs = this.#lastMs - this.startMs;
    const all = new Uint8Array(this.#bytes);
    let offset = 0;
    for (const piece of this.#pieces) {
      all.set(piece, offset);
      offset += piece.length;
    }
    const text = new TextDecoder().decode(all);
    try {
      this.response = JSON.parse(text);
    } catch {
      throw new RequestFailure(
        "malformed_stream",
        `the response body is not JSON: ${JSON.stringify(text.slice(0, 120))}`,
      );
    }
  }
}

/** What the SSE reader needs besides the body. */
export interface SseReaderSettings {
  builder: StreamMetricsBuilder;
  /** Epoch ms the request started: chunk times are kept from it. */
  startMs: number;
  maxResponseBytes: number;
  /** Largest SSE event accepted, in characters. */
  maxEventChars: number;
  onActivity: OnActivity;
  /** Called once at `data: [DONE]`: the request is complete. */
  onDone: () => void;
  /** Filled with the generated text when given. */
  answer?: AnswerText;
}

/**
 * Reads an SSE body into the builder, timing each piece as it arrives; `notes` says what the
 * server did wrong without failing the request (messages after [DONE], a connection kept open
 * after it). Exercised through `sendRequest` (stream_end_test.ts, collect_test.ts).
 */
export class SseReader implements BodyReader {
  #settings: SseReaderSettings;
  #control: ExchangeControl;
  #parser: SseParser;
  #pieceAtMs = 0;
  #messages = 0;
  #afterDone = 0;
  #bytes = 0;
  #grace: ReturnType<typeof setTimeout> | undefined;
  #closeNote: string | null = null;

  constructor(settings: SseReaderSettings, control: ExchangeControl) {
    this.#settings = settings;
    this.#control = control;
    this.#parser = new SseParser({
      onEvent: (data) => this.#onEvent(data),
      onInvalidLine: (line) => {
        if (this.#countedAfterDone()) return;
        throw new RequestFailure(
          "malformed_stream",
          `not an SSE line after ${this.#messages} messages: ${JSON.stringify(line.slice(0, 120))}`,
        );
      },
      onEventTooLarge: (chars, limitChars) => {
        if (this.#countedAfterDone()) return;
        throw new RequestFailure(
          "event_too_large",
          `SSE message ${this.#messages + 1} grew past maxEventChars (${limitChars} characters; ` +
            `${chars} read); connection dropped`,
        );
      },
    }, { maxEventChars: settings.maxEventChars });
  }

  data(piece: Uint8Array, atMs: number): void {
    const { builder, maxResponseBytes } = this.#settings;
    this.#bytes += piece.length;
    if (builder.isDone) {
      if (this.#bytes > maxResponseBytes) {
        return this.#closeAfterDone(
          "the server kept sending after data: [DONE] past maxResponseBytes; closed by the client",
        );
      }
    } else {
      this.#settings.onActivity(atMs);
      this.#pieceAtMs = atMs - this.#settings.startMs;
      if (this.#bytes > maxResponseBytes) throw tooLarge(maxResponseBytes);
    }
    this.#parser.feed(piece);
  }

  end(): void {
    this.stop();
    this.#parser.end();
  }

  /** Cancels the wait after [DONE] (the exchange is over). */
  stop(): void {
    clearTimeout(this.#grace);
  }

  /** Reached `data: [DONE]`: the request is complete, whatever the connection does next. */
  get isDone(): boolean {
    return this.#settings.builder.isDone;
  }

  /** What the server did wrong without failing the request. */
  get notes(): string[] {
    const notes = this.#afterDone > 0
      ? [`the server sent ${this.#afterDone} SSE message(s) after data: [DONE]; ignored`]
      : [];
    return this.#closeNote === null ? notes : [...notes, this.#closeNote];
  }

  /** Notes that the connection failed after [DONE] (the request still succeeded). */
  failedAfterDone(err: unknown): void {
    this.#closeNote ??= `the connection failed after data: [DONE]: ${String(err)}`;
  }

  #onEvent(data: string): void {
    if (this.#countedAfterDone()) return;
    const { builder, answer } = this.#settings;
    this.#messages++;
    if (data === "[DONE]") {
      builder.done(this.#pieceAtMs);
      this.#settings.onDone();
      this.#grace = setTimeout(
        () =>
          this.#closeAfterDone(
            `the server kept the connection open after data: [DONE]; closed by the client ` +
              `after ${AFTER_DONE_GRACE_MS} ms`,
          ),
        AFTER_DONE_GRACE_MS,
      );
      return;
    }
    const message = parseMessage(data, this.#messages);
    builder.add(this.#pieceAtMs, message);
    answer?.addStreamed(message);
  }

  /** After [DONE], a message or line only counts toward the note. */
  #countedAfterDone(): boolean {
    if (!this.#settings.builder.isDone) return false;
    this.#afterDone++;
    return true;
  }

  #closeAfterDone(note: string): void {
    this.stop();
    this.#closeNote ??= note;
    this.#control.close();
  }
}

/** One `data:` payload as a JSON object, else a malformed_stream failure. */
function parseMessage(data: string, position: number): Record<string, unknown> {
  let message: unknown;
  try {
    message = JSON.parse(data);
  } catch {
    throw new RequestFailure(
      "malformed_stream",
      `SSE message ${position} is not JSON: ${JSON.stringify(data.slice(0, 120))}`,
    );
  }
  if (typeof message !== "object" || message === null || Array.isArray(message)) {
    throw new RequestFailure(
      "malformed_stream",
      `SSE message ${position} is not a JSON object: ${JSON.stringify(data.slice(0, 120))}`,
    );
  }
  return message as Record<string, unknown>;
}

function tooLarge(limit: number): RequestFailure {
  return new RequestFailure(
    "response_too_large",
    `the response exceeded maxResponseBytes (${limit} bytes); connection dropped`,
  );
}
