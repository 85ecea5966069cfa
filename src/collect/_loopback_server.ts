/**
 * Test helper: a tiny HTTP/1.1 server on 127.0.0.1 built on node:net, so tests control every
 * byte — partial headers, resets mid-stream, stalls, invalid UTF-8 — which a normal HTTP server
 * would not let them do. Keep-alive is supported (one request at a time per connection).
 *
 * Not part of the library; used by collect's tests only.
 *
 * @module
 */

import * as net from "node:net";
import { Buffer } from "node:buffer";

/** A parsed incoming request. */
export interface RawRequest {
  method: string;
  path: string;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
}

/** Writes a response byte by byte; every method is safe to call after the client went away. */
export interface RawResponse {
  /** Writes raw bytes or text. */
  write(data: string | Uint8Array): Promise<void>;
  /** Status line and headers of a chunked response. */
  head(status: number, headers?: Record<string, string>): Promise<void>;
  /** One chunk of a chunked body. */
  chunk(data: string | Uint8Array): Promise<void>;
  /** The terminating chunk; the connection stays open for the next request. */
  end(): Promise<void>;
  /** A complete JSON response with Content-Length. */
  json(status: number, value: unknown): Promise<void>;
  /** Closes the connection abruptly. */
  destroy(): void;
  /** Whether the client closed the connection. */
  readonly closed: boolean;
  /** Resolves when the client closes the connection. */
  readonly closedPromise: Promise<void>;
}

/** A running loopback server. */
export interface LoopbackServer {
  url: string;
  port: number;
  /** Requests currently being answered. */
  readonly inFlight: number;
  /** Highest number answered at once. */
  readonly maxInFlight: number;
  /** Every request received, in order. */
  readonly requests: RawRequest[];
  close(): Promise<void>;
}

/** Handles one request; must finish (end, json or destroy) the response. */
export type RawHandler = (request: RawRequest, response: RawResponse) => Promise<void> | void;

/** Starts a server on 127.0.0.1 with a free port. */
export async function startLoopbackServer(handler: RawHandler): Promise<LoopbackServer> {
  const sockets = new Set<net.Socket>();
  const pending = new Set<Promise<void>>();
  const requests: RawRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    let buffer = Buffer.alloc(0);
    let busy = false;
    let closed = false;
    let onClosed: () => void = () => {};
    const closedPromise = new Promise<void>((resolve) => (onClosed = resolve));
    const markClosed = () => {
      closed = true;
      onClosed();
    };
    socket.on("end", markClosed); // the client hung up (FIN): stop writing
    socket.on("close", () => {
      sockets.delete(socket);
      markClosed();
    });
    socket.on("error", () => {});

    const write = (data: string | Uint8Array) =>
      new Promise<void>((resolve) => {
        if (closed || socket.destroyed) return resolve();
        socket.write(data, () => resolve());
      });

    const tryNext = () => {
      if (busy) return;
      const headerEnd = buffer.indexOf("\r\n\r\n");
      if (headerEnd === -1) return;
      const lines = buffer.subarray(0, headerEnd).toString("latin1").split("\r\n");
      const [method, path] = lines[0].split(" ");
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(":");
        if (colon > 0) {
          headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
      }
      const length = Number(headers["content-length"] ?? 0);
      if (buffer.length < headerEnd + 4 + length) return;
      const body = buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString("utf8");
      buffer = buffer.subarray(headerEnd + 4 + length);
      if (method === "GET" && path === "/version") {
        // collect asks for the server's version before the run: this server has none (404, as an
        // OpenAI server without vLLM's /version), and is not counted among `requests`
        write("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n").then(() => tryNext());
        return;
      }
      const request: RawRequest = { method, path, headers, body };
      requests.push(request);
      busy = true;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        inFlight--;
        busy = false;
        queueMicrotask(tryNext);
      };
      const response: RawResponse = {
        write,
        async head(status, extra = {}) {
          let text = `HTTP/1.1 ${status} X\r\ntransfer-encoding: chunked\r\n`;
          for (const [k, v] of Object.entries({ "content-type": "text/event-stream", ...extra })) {
            text += `${k}: ${v}\r\n`;
          }
          await write(text + "\r\n");
        },
        async chunk(data) {
          const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data);
          if (bytes.length === 0) return;
          await write(
            Buffer.concat([
              Buffer.from(bytes.length.toString(16) + "\r\n"),
              bytes,
              Buffer.from("\r\n"),
            ]),
          );
        },
        async end() {
          await write("0\r\n\r\n");
          finish();
        },
        async json(status, value) {
          const bytes = Buffer.from(JSON.stringify(value), "utf8");
          await write(
            `HTTP/1.1 ${status} X\r\ncontent-type: application/json\r\ncontent-length: ${bytes.length}\r\n\r\n`,
          );
          await write(bytes);
          finish();
        },
        destroy() {
          socket.destroy();
          finish();
        },
        get closed() {
          return closed;
        },
        closedPromise,
      };
      const task = (async () => {
        try {
          await handler(request, response);
        } catch {
          socket.destroy();
        } finally {
          if (closed) finish();
        }
      })();
      pending.add(task);
      task.finally(() => pending.delete(task));
      closedPromise.then(finish);
    };

    socket.on("data", (data: Buffer) => {
      buffer = Buffer.concat([buffer, data]);
      tryNext();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    requests,
    async close() {
      const closedServer = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await Promise.allSettled([...pending]);
      await closedServer;
    },
  };
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `data: <json>\n\n`. */
export function sse(value: unknown): string {
  return `data: ${typeof value === "string" ? value : JSON.stringify(value)}\n\n`;
}

/** Writes a normal vLLM-shaped chat stream: role chunk, `pieces` as content chunks, usage, [DONE]. */
export async function writeChatStream(
  response: RawResponse,
  id: string,
  pieces: string[],
  options: { gapMs?: number; promptTokens?: number } = {},
): Promise<void> {
  await response.head(200);
  const base = { id, object: "chat.completion.chunk", created: 1, model: "test-model" };
  await response.chunk(
    sse({
      ...base,
      choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
    }),
  );
  for (let i = 0; i < pieces.length; i++) {
    if (options.gapMs) await delay(options.gapMs);
    const last = i === pieces.length - 1;
    await response.chunk(
      sse({
        ...base,
        choices: [{ index: 0, delta: { content: pieces[i] }, finish_reason: last ? "stop" : null }],
      }),
    );
  }
  const prompt = options.promptTokens ?? 5;
  await response.chunk(
    sse({
      ...base,
      choices: [],
      usage: {
        prompt_tokens: prompt,
        total_tokens: prompt + pieces.length,
        completion_tokens: pieces.length,
      },
    }),
  );
  await response.chunk(sse("[DONE]"));
  await response.end();
}

/** The scenario name a test put in the request (chat: first message; completions: prompt). */
export function scenarioOf(request: RawRequest): string {
  try {
    const body = JSON.parse(request.body);
    if (typeof body.prompt === "string") return body.prompt;
    const content = body.messages?.[0]?.content;
    return typeof content === "string" ? content : "";
  } catch {
    return "";
  }
}
