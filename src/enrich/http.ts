/**
 * One GET of a JSON document from a trace back end, turning every way it can fail into a
 * {@link BackendError} whose message is one readable line (it ends up in span_note):
 * "jaeger returned HTTP 500 Internal Server Error: …", "connection refused (GET …)",
 * "invalid JSON at GET …: …", "jaeger did not answer within 2000 ms (GET …)".
 *
 * @module
 */

/** A trace back end failed; `message` is one line meant for people. */
export class BackendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackendError";
  }
}

/** Options of {@link getJson}. */
export interface GetJsonOptions {
  /** Back end name used in messages, e.g. `jaeger`. */
  label: string;
  /** Give up after this many ms. */
  timeoutMs: number;
  /** Caller's cancellation. */
  signal?: AbortSignal;
  /** HTTP status codes returned to the caller instead of thrown (e.g. 404 = not found). */
  acceptStatus?: readonly number[];
}

/** A parsed JSON answer (or, for accepted error statuses, the body text when it is not JSON). */
export interface JsonAnswer {
  status: number;
  body: unknown;
}

const SNIPPET_CHARS = 200;

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > SNIPPET_CHARS ? `${flat.slice(0, SNIPPET_CHARS)}…` : flat;
}

/** An error's message followed by those of its causes (fetch hides the reason in `cause`). */
function messageWithCauses(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    parts.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(": ");
}

function describeFetchFailure(error: unknown, label: string, url: string): string {
  const message = messageWithCauses(error);
  if (/connection refused|ECONNREFUSED/i.test(message)) return `connection refused (GET ${url})`;
  if (/dns|lookup|resolve|ENOTFOUND/i.test(message)) {
    return `${label} host not found (GET ${url}): ${oneLine(message)}`;
  }
  if (/reset|ECONNRESET|closed/i.test(message)) {
    return `connection to ${label} reset (GET ${url}): ${oneLine(message)}`;
  }
  return `${label} unreachable (GET ${url}): ${oneLine(message)}`;
}

/** A body read as text, with its status. */
export interface TextAnswer {
  status: number;
  text: string;
}

/**
 * GETs `url` and reads the body as text. Network failures, timeouts and statuses ≥ 400 (unless
 * listed in `acceptStatus`) throw a {@link BackendError} with a one-line message.
 */
export async function getText(
  url: string,
  options: GetJsonOptions & { accept?: string },
): Promise<TextAnswer> {
  const { label, timeoutMs, signal } = options;
  if (signal?.aborted) throw new BackendError(`lookup aborted (GET ${url})`);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, Math.max(1, timeoutMs));
  const onAbort = () => controller.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  const failure = (error: unknown, what: string) => {
    if (timedOut) {
      return new BackendError(`${label} did not ${what} within ${timeoutMs} ms (GET ${url})`);
    }
    if (signal?.aborted) return new BackendError(`lookup aborted (GET ${url})`);
    return new BackendError(describeFetchFailure(error, label, url));
  };
  try {
    let response: Response;
    try {
      response = await fetch(url, {
        signal: controller.signal,
        headers: { accept: options.accept ?? "application/json" },
      });
    } catch (error) {
      throw failure(error, "answer");
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw failure(error, "finish answering");
    }
    const accepted = options.acceptStatus?.includes(response.status) ?? false;
    if (response.status >= 400 && !accepted) {
      const statusText = response.statusText ? ` ${response.statusText}` : "";
      const body = oneLine(text);
      throw new BackendError(
        `${label} returned HTTP ${response.status}${statusText}${
          body ? `: ${body}` : ""
        } (GET ${url})`,
      );
    }
    return { status: response.status, text };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * GETs `url` and parses the body as JSON whatever the Content-Type (Jaeger sends JSON error
 * bodies as `text/plain`). Statuses ≥ 400 throw unless listed in `acceptStatus`; for those the
 * body is returned as text when it is not JSON.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getJson } from "./http.ts";
 * // a stand-in for Jaeger, which answers JSON as text/plain
 * const server = Deno.serve(
 *   { hostname: "127.0.0.1", port: 0, onListen: () => {} },
 *   () => new Response('{"data":["vllm"]}', { headers: { "content-type": "text/plain" } }),
 * );
 * try {
 *   const url = `http://127.0.0.1:${server.addr.port}/api/services`;
 *   const { status, body } = await getJson(url, { label: "jaeger", timeoutMs: 5000 });
 *   assert.equal(status, 200);
 *   assert.deepEqual(body, { data: ["vllm"] });
 * } finally {
 *   await server.shutdown();
 * }
 * ```
 */
export async function getJson(url: string, options: GetJsonOptions): Promise<JsonAnswer> {
  const { status, text } = await getText(url, options);
  try {
    return { status, body: JSON.parse(text) };
  } catch (error) {
    if (status >= 400) return { status, body: text };
    const reason = error instanceof Error ? error.message : String(error);
    throw new BackendError(`invalid JSON at GET ${url}: ${oneLine(reason)}`);
  }
}

/** The message of any error, for notes ({@link BackendError}s are already one line). */
export function errorMessage(error: unknown): string {
  return oneLine(error instanceof Error ? error.message : String(error));
}
