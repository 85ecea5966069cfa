/**
 * Resolving `model: "auto"`: the first model id the server lists at GET /v1/models.
 *
 * @module
 */

import { type Dispatcher, request } from "../deps/undici.ts";
import { classifyException, redact } from "./errors.ts";

/** Options of {@link resolveModel}. */
export interface ResolveModelOptions {
  /** Base URL without `/v1` (see `parseServerUrl`). */
  base: string;
  headers: Record<string, string>;
  dispatcher: Dispatcher;
  /** Give up after this long. */
  timeoutMs: number;
  /** Strings to scrub from error messages (the API key). */
  secrets: readonly string[];
  signal?: AbortSignal;
}

/**
 * Asks the server for its models and returns the first id. Throws an Error saying what went
 * wrong (unreachable server, HTTP error, no models) — before any measured request is sent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Agent } from "../deps/undici.ts";
 * import { resolveModel } from "./models.ts";
 * import { startSimulator } from "../sim/mod.ts";
 * const sim = await startSimulator(); // or the base URL of your vLLM server
 * const dispatcher = new Agent();
 * try {
 *   const model = await resolveModel({
 *     base: sim.url, headers: {}, dispatcher, timeoutMs: 10_000, secrets: [],
 *   });
 *   assert.equal(model, "sim-llama-3-8b");
 * } finally {
 *   await dispatcher.close();
 *   await sim.close();
 * }
 * ```
 */
export async function resolveModel(options: ResolveModelOptions): Promise<string> {
  const url = `${options.base}/v1/models`;
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new Error("timeout")), options.timeoutMs);
  try {
    let text: string;
    let status: number;
    try {
      const response = await request(url, {
        method: "GET",
        headers: { accept: "application/json", ...options.headers },
        dispatcher: options.dispatcher,
        signal: controller.signal,
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (err) {
      const e = classifyException(err, {
        aborted: controller.signal.aborted,
        phase: "headers",
        timeoutMs: options.timeoutMs,
      });
      throw new Error(
        redact(
          `collect: model "auto": GET ${url} failed (${e.kind}): ${e.message}`,
          options.secrets,
        ),
      );
    }
    if (status >= 400) {
      throw new Error(
        redact(
          `collect: model "auto": GET ${url} returned HTTP ${status}: ${text.slice(0, 300)}`,
          options.secrets,
        ),
      );
    }
    let ids: string[] = [];
    try {
      const body = JSON.parse(text) as { data?: Array<{ id?: unknown }> };
      ids = (Array.isArray(body.data) ? body.data : [])
        .map((m) => m?.id)
        .filter((id): id is string => typeof id === "string" && id.length > 0);
    } catch {
      throw new Error(`collect: model "auto": GET ${url} did not return JSON`);
    }
    if (ids.length === 0) {
      throw new Error(
        `collect: model "auto": the server at ${options.base} lists no models (GET ${url}); pass option model explicitly`,
      );
    }
    return ids[0];
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}
