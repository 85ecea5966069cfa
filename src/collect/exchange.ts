/**
 * One HTTP exchange on undici's dispatcher, with no stream in between: each body piece reaches
 * its reader straight from undici's HTTP parser, with its arrival time taken there.
 *
 * Why not undici's `request()`: it wraps every response in a node:stream Readable and an
 * AsyncResource, parses the URL on every call, and hands pieces over through the stream's
 * buffer and events. Starting a request and reading a piece cost less without them, and that
 * time is time the other streams' chunks wait (docs/ARCHITECTURE.md, "The client's clock").
 *
 * @module
 */

import type { Dispatcher } from "../deps/undici.ts";
import { nowMs } from "../util/clock.ts";

/** What is sent. */
export interface ExchangeRequest {
  /** `http://host:port`. */
  origin: string;
  /** Path and query, starting with `/`. */
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Fires → the exchange fails with the signal's reason (queued, sending or reading). */
  signal: AbortSignal;
}

/** The status line and headers, as they arrived. */
export interface ResponseHead {
  statusCode: number;
  /** Lower-case names, as undici parses them. */
  headers: Record<string, string | string[] | undefined>;
  /** Epoch ms the headers were parsed. */
  atMs: number;
}

/** Reads one response body, piece by piece. */
export interface BodyReader {
  /**
   * One body piece and its arrival time (epoch ms). Throwing drops the connection and fails the
   * exchange with what was thrown.
   */
  data(piece: Uint8Array, atMs: number): void;
  /** The body ended. Throwing fails the exchange with what was thrown. */
  end(): void;
}

/** Lets a reader end the exchange early, successfully: the connection is dropped. */
export interface ExchangeControl {
  close(): void;
}

/**
 * Sends one request; `readerFor` picks the body's reader once the headers are in. Resolves when
 * the body has ended or the reader closed the exchange; rejects with the transport's error, the
 * signal's reason, or what the reader threw.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Agent } from "../deps/undici.ts";
 * import { exchange } from "./exchange.ts";
 * const server = Deno.serve({ port: 0, onListen() {} }, () => new Response("a".repeat(10)));
 * const agent = new Agent();
 * try {
 *   let bytes = 0;
 *   let status = 0;
 *   await exchange(agent, {
 *     origin: `http://127.0.0.1:${server.addr.port}`, path: "/", headers: {}, body: "{}",
 *     signal: new AbortController().signal,
 *   }, (head) => {
 *     status = head.statusCode;
 *     return { data: (piece) => void (bytes += piece.length), end() {} };
 *   });
 *   assert.equal(status, 200);
 *   assert.equal(bytes, 10);
 * } finally {
 *   await agent.close();
 *   await server.shutdown();
 * }
 * ```
 */
export function exchange(
  dispatcher: Dispatcher,
  request: ExchangeRequest,
  readerFor: (head: ResponseHead, control: ExchangeControl) => BodyReader,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const { signal } = request;
    let controller: Dispatcher.DispatchController | null = null;
    let reader: BodyReader | null = null;
    let settled = false;
    const settle = (err?: unknown) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      if (err === undefined) resolve();
      else reject(err);
    };
    // Drops the connection; undici then reports an error, which finds the exchange settled.
    const drop = (err: unknown) => {
      settle(err);
      controller?.abort(err instanceof Error ? err : new Error(String(err)));
    };
    const control: ExchangeControl = {
      close() {
        settle();
        controller?.abort(new Error("closed by the client"));
      },
    };
    // Aborted: settle now; undici's request is aborted at once if started, else as it starts.
    const onAbort = () => drop(signal.reason);
    if (signal.aborted) return settle(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(started) {
        controller = started;
        if (settled) started.abort(signal.reason ?? new Error("exchange already ended"));
      },
      onResponseStart(_controller, statusCode, headers) {
        if (settled || statusCode < 200) return; // 1xx: the real response follows
        try {
          reader = readerFor({ statusCode, headers, atMs: nowMs() }, control);
        } catch (err) {
          drop(err);
        }
      },
      onResponseData(_controller, piece) {
        if (settled || reader === null) return;
        try {
          reader.data(piece, nowMs());
        } catch (err) {
          drop(err);
        }
      },
      onResponseEnd() {
        if (settled) return;
        try {
          if (reader === null) throw new Error("the response ended before its headers");
          reader.end();
          settle();
        } catch (err) {
          settle(err);
        }
      },
      onResponseError(_controller, err) {
        settle(err);
      },
    };
    dispatcher.dispatch({
      origin: request.origin,
      path: request.path,
      method: "POST",
      headers: request.headers,
      body: request.body,
      headersTimeout: 0,
      bodyTimeout: 0,
    }, handler);
  });
}
