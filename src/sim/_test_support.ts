/**
 * Helpers for the simulator's own tests: POST a JSON body and read an SSE stream.
 *
 * @module
 */

/** One parsed SSE `data:` event: a JSON object, or the string "[DONE]". */
export type SseEvent = Record<string, unknown> | "[DONE]";

/** POSTs JSON to `url + path` with extra headers. */
export function postJson(
  url: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(url + path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
    signal,
  });
}

/**
 * Reads a whole SSE body into events. `complete` is false when the body ended with an error
 * (connection dropped) instead of a clean end; events read until then are kept.
 */
export async function readSse(
  response: Response,
): Promise<{ events: SseEvent[]; complete: boolean; raw: string }> {
  let raw = "";
  let complete = true;
  const decoder = new TextDecoder();
  try {
    for await (const part of response.body!) raw += decoder.decode(part, { stream: true });
  } catch {
    complete = false;
  }
  const events: SseEvent[] = [];
  for (const block of raw.split("\n\n")) {
    if (block === "") continue;
    if (!block.startsWith("data: ")) {
      throw new Error(`not an SSE data event: ${JSON.stringify(block)}`);
    }
    const payload = block.slice(6);
    events.push(payload === "[DONE]" ? "[DONE]" : JSON.parse(payload));
  }
  return { events, complete, raw };
}

/** Value of one metric series (exact `name{labels}` text) in Prometheus exposition text. */
export function metricValue(text: string, series: string): number | null {
  for (const line of text.split("\n")) {
    if (line.startsWith(series + " ")) return Number(line.slice(series.length + 1));
  }
  return null;
}
