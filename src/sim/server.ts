/**
 * The vLLM simulator: an OpenAI-compatible HTTP server on loopback that behaves like vLLM V1
 * (chunk shapes, errors, request ids, continuous batching, `llm_request` spans over OTLP,
 * Prometheus metrics), for demos, tests and benchmarks.
 *
 * Built on `node:http`: measured under Deno 2.9.6 with 1000–2000 concurrent SSE streams it writes
 * a chunk to every stream about twice as fast as `Deno.serve` + ReadableStream.
 *
 * @module
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { nowMs } from "../util/clock.ts";
import { createRng } from "../util/rng.ts";
import type { ResponseContext } from "./chunks.ts";
import { Engine, realClock, type SequenceOutput } from "./engine.ts";
import {
  badRequest,
  bodyTooLarge,
  internalError,
  methodNotAllowed,
  modelNotFound,
  routeNotFound,
  type SimError,
  unauthorized,
  validationError,
} from "./errors.ts";
import { BatchSpanExporter } from "./exporter.ts";
import { chooseFault, FaultHeaderError, type FaultKind, stallMsOf } from "./faults.ts";
import {
  type GroundTruthEntry,
  type ResolvedOptions,
  resolveOptions,
  type Simulator,
  type SimulatorOptions,
} from "./options.ts";
import { SimMetrics } from "./prometheus.ts";
import { PrefixCache } from "./prefix_cache.ts";
import { isSimError, parseCompletionRequest, type SimEndpoint } from "./request.ts";
import { CompletionSession, type FinishedRequest, type ResponseSink } from "./session.ts";
import { buildRequestSpan } from "./span.ts";
import { textSalt } from "./text.ts";
import { type TimerHandle, TimerSet } from "./timers.ts";
import { detokenizeResponse, SimTokenizer, tokenizeResponse } from "./tokenizer.ts";
import { parseTraceparent, randomHexId } from "./traceparent.ts";

const ROUTES: Record<string, string> = {
  "/v1/chat/completions": "POST",
  "/v1/completions": "POST",
  "/v1/models": "GET",
  "/metrics": "GET",
  "/health": "GET",
  "/version": "GET",
  "/tokenize": "POST",
  "/detokenize": "POST",
};

function header(req: http.IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value[0] : value;
}

function sendJson(res: http.ServerResponse, error: SimError, extra: Record<string, string> = {}) {
  const text = JSON.stringify(error.body);
  res.writeHead(error.status, { "content-type": "application/json", ...extra });
  res.end(text);
}

function nodeSink(res: http.ServerResponse): ResponseSink {
  return {
    start(status, headers) {
      if (res.headersSent) return;
      res.writeHead(status, headers);
      // Like vLLM's StreamingResponse, an SSE response sends its headers before the first token.
      if (headers["content-type"]?.startsWith("text/event-stream")) res.flushHeaders();
    },
    write(data) {
      res.write(data);
    },
    end(data) {
      if (data === undefined) res.end();
      else res.end(data);
    },
    destroy() {
      // End the socket after what was written is flushed (a bare destroy would drop it), so the
      // client gets every byte sent so far and then a body cut short.
      const socket = res.socket;
      if (socket && !socket.destroyed) socket.end(() => res.destroy());
      else res.destroy();
    },
  };
}

/** Reads a body up to `limit` bytes; null when over the limit. */
async function readBody(req: http.IncomingMessage, limit: number): Promise<Uint8Array | null> {
  const declared = Number(header(req, "content-length") ?? NaN);
  if (declared > limit) return null;
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const part of req) {
    size += (part as Uint8Array).byteLength;
    if (size > limit) return null;
    parts.push(part as Uint8Array);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

/** Output length and finish reason: the full budget, or a seeded early stop (unless ignore_eos). */
function plannedOutput(
  rng: () => number,
  maxTokens: number,
  minTokens: number,
  ignoreEos: boolean,
  earlyStopRate: number,
): { tokens: number; finish_reason: "stop" | "length" } {
  const lowest = Math.max(1, minTokens);
  if (ignoreEos || maxTokens <= lowest || rng() >= earlyStopRate) {
    return { tokens: maxTokens, finish_reason: "length" };
  }
  return { tokens: lowest + Math.floor(rng() * (maxTokens - lowest)), finish_reason: "stop" };
}

/**
 * Starts the simulator on loopback; resolves once it listens.
 *
 * Deterministic per-request faults: send `x-sim-fault: http500 | http400 | http404 |
 * stream_error | cut | stall` (and optionally `x-sim-stall-ms: <ms>`); see src/sim/faults.ts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startSimulator } from "./server.ts";
 * const sim = await startSimulator({ maxNumSeqs: 8, decodeStepMs: 5 });
 * try {
 *   const res = await fetch(`${sim.url}/v1/completions`, {
 *     method: "POST",
 *     headers: { "content-type": "application/json", "x-request-id": "demo-1" },
 *     body: JSON.stringify({ prompt: "Hello there", max_tokens: 4, ignore_eos: true }),
 *   });
 *   const body = await res.json();
 *   assert.equal(body.id, "cmpl-demo-1"); // vLLM's id for X-Request-Id demo-1
 *   assert.equal(body.usage.completion_tokens, 4);
 * } finally {
 *   await sim.close();
 * }
 * ```
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const opts = resolveOptions(options);
  return await new SimulatorServer(opts).listen();
}

/** What #readJson returns when it has already answered (a body can be any JSON value). */
const NO_BODY: unique symbol = Symbol("no body");

class SimulatorServer {
  readonly #opts: ResolvedOptions;
  readonly #timers = new TimerSet();
  readonly #sessions = new Map<string, CompletionSession>();
  readonly #groundTruth: GroundTruthEntry[] = [];
  readonly #engine: Engine;
  readonly #metrics: SimMetrics;
  readonly #exporter: BatchSpanExporter | null;
  readonly #server: http.Server;
  #nextSeq = 0;
  readonly #tokenizer = new SimTokenizer();
  readonly #prefixCache: PrefixCache;
  #closing: Promise<void> | null = null;

  constructor(opts: ResolvedOptions) {
    this.#opts = opts;
    this.#prefixCache = new PrefixCache(opts.prefixCacheBlocks);
    this.#engine = new Engine(opts, realClock, (outputs) => this.#onEngineOutputs(outputs));
    this.#metrics = new SimMetrics(opts.model, () => ({
      running: this.#engine.running,
      waiting: this.#engine.waiting,
      kv_cache_usage: this.#engine.kvCacheUsage,
      preemptions: this.#engine.preemptions,
    }));
    this.#exporter = opts.otlpEndpoint
      ? new BatchSpanExporter({
        endpoint: opts.otlpEndpoint,
        protocol: opts.otlpProtocol,
        exportDelayMs: opts.exportDelayMs,
        serviceName: opts.serviceName,
        onFirstFailure: (error) => {
          if (opts.log) {
            console.error(
              `[vllm-sim] span export to ${opts.otlpEndpoint} (${opts.otlpProtocol}) failed: ${
                error instanceof Error ? error.message : String(error)
              } (further failures are only counted)`,
            );
          }
        },
      })
      : null;
    this.#server = http.createServer((req, res) => {
      this.#route(req, res).catch((error) => {
        if (!res.headersSent) sendJson(res, internalError());
        else res.destroy();
        if (opts.log) console.error("[vllm-sim] request handler failed:", error);
      });
    });
    this.#server.keepAliveTimeout = 5000;
  }

  listen(): Promise<Simulator> {
    return new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(this.#opts.port, this.#opts.hostname, () => {
        this.#server.off("error", reject);
        const port = (this.#server.address() as AddressInfo).port;
        const host = this.#opts.hostname.includes(":")
          ? `[${this.#opts.hostname}]`
          : this.#opts.hostname;
        resolve({
          url: `http://${host}:${port}`,
          port,
          groundTruth: () => [...this.#groundTruth],
          metricsText: () => this.#metrics.text(),
          flushSpans: () => this.#exporter?.flush() ?? Promise.resolve(),
          spanExportStats: () =>
            this.#exporter?.stats() ?? { exported: 0, failed: 0, dropped: 0, pending: 0 },
          close: () => this.#close(),
        });
      });
    });
  }

  #close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const session of [...this.#sessions.values()]) session.shutdown();
      this.#engine.close();
      this.#timers.clearAll();
      const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      this.#server.closeAllConnections();
      await closed;
      await this.#exporter?.close();
    })();
    return this.#closing;
  }

  async #route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    const method = req.method ?? "GET";
    const allowed = ROUTES[path];
    if (allowed === undefined) return sendJson(res, routeNotFound());
    if (allowed !== method) return sendJson(res, methodNotAllowed());
    if (path.startsWith("/v1/") && this.#opts.apiKey !== null) {
      if (header(req, "authorization") !== `Bearer ${this.#opts.apiKey}`) {
        return sendJson(res, unauthorized());
      }
    }
    switch (path) {
      case "/health":
        res.writeHead(200);
        res.end();
        return;
      case "/version":
        return sendJson(res, { status: 200, body: { version: "sim" } });
      case "/metrics":
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
        res.end(this.#metrics.text());
        return;
      case "/v1/models":
        return sendJson(res, { status: 200, body: this.#modelList() });
      case "/tokenize":
      case "/detokenize":
        return await this.#tokenizerApi(path, req, res);
      case "/v1/chat/completions":
        return await this.#completion("chat", req, res);
      default:
        return await this.#completion("completions", req, res);
    }
  }

  #modelList(): unknown {
    const model = this.#opts.model;
    const created = Math.floor(Date.now() / 1000);
    return {
      object: "list",
      data: [{
        id: model,
        object: "model",
        created,
        owned_by: "vllm",
        root: model,
        parent: null,
        max_model_len: this.#opts.maxModelLen,
        permission: [{
          id: `modelperm-${randomHexId(16)}`,
          object: "model_permission",
          created,
          allow_create_engine: false,
          allow_sampling: true,
          allow_logprobs: true,
          allow_search_indices: false,
          allow_view: true,
          allow_fine_tuning: false,
          organization: "*",
          group: null,
          is_blocking: false,
        }],
      }],
    };
  }

  /** The request's JSON body, or NO_BODY after answering a body too large or not JSON. */
  async #readJson(req: http.IncomingMessage, res: http.ServerResponse): Promise<unknown> {
    const limit = this.#opts.maxBodyBytes;
    const bytes = await readBody(req, limit);
    if (bytes === null) {
      sendJson(res, bodyTooLarge(limit), { connection: "close" });
      return NO_BODY;
    }
    try {
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      sendJson(res, validationError("body", "JSON decode error", "json_invalid"));
      return NO_BODY;
    }
  }

  /** vLLM's Tokenizer API, with the simulator's tokenizer (src/sim/tokenizer.ts). */
  async #tokenizerApi(
    path: string,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    const opts = this.#opts;
    const body = await this.#readJson(req, res);
    if (body === NO_BODY) return;
    const ctx = { tokenizer: this.#tokenizer, model: opts.model, maxModelLen: opts.maxModelLen };
    sendJson(
      res,
      path === "/tokenize" ? tokenizeResponse(body, ctx) : detokenizeResponse(body, ctx),
    );
  }

  async #completion(
    endpoint: SimEndpoint,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    const opts = this.#opts;
    const body = await this.#readJson(req, res);
    if (body === NO_BODY) return;
    const arrivalMs = nowMs();
    const parsed = parseCompletionRequest(endpoint, body, {
      model: opts.model,
      defaultMaxTokens: opts.defaultMaxTokens,
      maxModelLen: opts.maxModelLen,
    });
    if (isSimError(parsed)) return sendJson(res, parsed);

    const baseId = header(req, "x-request-id") ?? parsed.body_request_id ?? randomHexId(8);
    const responseId = endpoint === "chat" ? `chatcmpl-${baseId}` : `cmpl-${baseId}`;
    const salt = textSalt(baseId) ^ opts.seed;
    const rng = createRng(salt);
    let fault: FaultKind | null;
    let stallMs: number;
    try {
      fault = chooseFault(header(req, "x-sim-fault"), opts.faults, rng);
      stallMs = stallMsOf(header(req, "x-sim-stall-ms"), opts.faults.stallMs);
    } catch (error) {
      if (error instanceof FaultHeaderError) return sendJson(res, badRequest(error.message));
      throw error;
    }
    const planned = plannedOutput(
      rng.next,
      parsed.max_tokens,
      parsed.min_tokens,
      parsed.ignore_eos,
      opts.earlyStopRate,
    );
    const traceparent = parseTraceparent(header(req, "traceparent"));
    const context: ResponseContext = {
      endpoint,
      id: responseId,
      created: Math.floor(Date.now() / 1000),
      model: opts.model,
    };
    const seqId = String(this.#nextSeq++);
    let tokenizeTimer: TimerHandle | null = null;
    const session = new CompletionSession(
      {
        parsed,
        context,
        request_id: baseId,
        trace_id: traceparent?.trace_id ?? null,
        parent_span_id: traceparent?.parent_span_id ?? null,
        arrival_ms: arrivalMs,
        output_tokens: planned.tokens,
        reasoning_tokens: endpoint === "chat" ? Math.min(opts.reasoningTokens, planned.tokens) : 0,
        finish_reason: planned.finish_reason,
        salt,
        fault,
        stall_ms: stallMs,
        record_chunks: opts.recordGroundTruth,
      },
      nodeSink(res),
      {
        onFinished: (finished) => this.#onFinished(finished, traceparent),
        onClosed: (entry) => {
          this.#sessions.delete(seqId);
          // A stream_error is an engine error; a cut looks like a disconnect to vLLM.
          if (entry.outcome === "fault" && fault === "stream_error") this.#metrics.countError();
          if (entry.outcome === "fault" && fault === "cut") this.#metrics.countAbort();
          if (opts.recordGroundTruth) this.#groundTruth.push(entry);
        },
        abortEngine: () => {
          this.#timers.clear(tokenizeTimer);
          this.#engine.abort(seqId);
        },
      },
      this.#timers,
    );

    if (fault === "http500" || fault === "http400" || fault === "http404") {
      const error = fault === "http500"
        ? internalError()
        : fault === "http400"
        ? badRequest("Injected fault: bad request (x-sim-fault: http400).")
        : modelNotFound(`${opts.model}-missing`, opts.model);
      session.failBeforeStart(error.status, error.body);
      return;
    }
    this.#sessions.set(seqId, session);
    res.on("close", () => {
      if (!session.closed) {
        // A client leaving during a stall after the engine finished was already counted.
        if (!session.finishedInEngine) this.#metrics.countAbort();
        session.onClientGone();
      }
    });
    session.begin();
    const addToEngine = () => {
      tokenizeTimer = null;
      if (session.closed || this.#closing) return;
      const cache = this.#prefixCache.admit(parsed.prompt_text, parsed.prompt_tokens);
      this.#metrics.countPrefixCache(cache.queried_tokens, cache.hit_tokens);
      this.#engine.add({
        id: seqId,
        prompt_tokens: parsed.prompt_tokens,
        cached_tokens: cache.hit_tokens,
        output_tokens: planned.tokens,
      });
    };
    if (opts.frontendOverheadMs > 0) {
      // Tokenization and the hop to the engine core, before the request is queued.
      const tokenizeMs = opts.frontendOverheadMs / 2 + parsed.prompt_tokens * 0.001;
      tokenizeTimer = this.#timers.set(addToEngine, tokenizeMs);
    } else {
      addToEngine();
    }
  }

  #onEngineOutputs(outputs: SequenceOutput[]): void {
    const deliver = () => {
      const at = nowMs();
      for (const output of outputs) this.#sessions.get(output.id)?.onOutput(output, at);
    };
    // Detokenization and the IPC hop back to the frontend, once per engine step.
    if (this.#opts.frontendOverheadMs > 0) {
      this.#timers.set(deliver, this.#opts.frontendOverheadMs / 2);
    } else deliver();
  }

  #onFinished(
    finished: FinishedRequest,
    traceparent: ReturnType<typeof parseTraceparent>,
  ): void {
    const { init, engine } = finished;
    const s = (ms: number) => ms / 1000;
    const queueMs = engine.scheduled_ms! - engine.queued_ms;
    const prefillMs = engine.first_token_ms! - engine.scheduled_ms!;
    const decodeMs = engine.last_token_ms! - engine.first_token_ms!;
    const inferenceMs = engine.last_token_ms! - engine.scheduled_ms!;
    const ttftMs = finished.first_output_ms - init.arrival_ms;
    const e2eMs = finished.last_output_ms - init.arrival_ms;
    this.#metrics.observeFinished({
      finished_reason: init.finish_reason,
      prompt_tokens: init.parsed.prompt_tokens,
      completion_tokens: finished.completion_tokens,
      ttft_s: s(ttftMs),
      e2e_s: s(e2eMs),
      queue_s: s(queueMs),
      prefill_s: s(prefillMs),
      decode_s: s(decodeMs),
      inference_s: s(inferenceMs),
    });
    if (this.#exporter === null) return;
    if (traceparent !== null && !traceparent.sampled) return;
    const requestId = init.context.endpoint === "chat" ? init.context.id : `${init.context.id}-0`;
    this.#exporter.add(buildRequestSpan({
      trace_id: traceparent?.trace_id ?? randomHexId(16),
      span_id: randomHexId(8),
      parent_span_id: traceparent?.parent_span_id ?? null,
      start_ms: init.arrival_ms,
      end_ms: Math.max(nowMs(), finished.last_output_ms) + 0.05,
      request_id: requestId,
      prompt_tokens: init.parsed.prompt_tokens,
      completion_tokens: finished.completion_tokens,
      queue_s: s(queueMs),
      ttft_s: s(ttftMs),
      e2e_s: s(e2eMs),
      prefill_s: s(prefillMs),
      decode_s: s(decodeMs),
      inference_s: s(inferenceMs),
      temperature: init.parsed.temperature,
      top_p: init.parsed.top_p,
      max_tokens: init.parsed.max_tokens,
      n: init.parsed.n,
    }));
  }
}
