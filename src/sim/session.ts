/**
 * One completion request on its way through the simulator's frontend: it turns engine outputs
 * into SSE events (or one JSON body), applies the request's injected fault, keeps ground truth,
 * and reports how it ended. Transport-neutral: it writes through a {@link ResponseSink}.
 *
 * @module
 */
import { nowMs } from "../util/clock.ts";
import {
  completionBody,
  contentChunk,
  type Finish,
  type ResponseContext,
  roleChunk,
  SSE_DONE,
  sseEvent,
  type Usage,
  usageChunk,
  usageOf,
} from "./chunks.ts";
import type { SequenceOutput, SequenceTimes } from "./engine.ts";
import { internalError } from "./errors.ts";
import type { FaultKind } from "./faults.ts";
import type { GroundTruthEntry } from "./options.ts";
import type { ParsedRequest } from "./request.ts";
import { tokenText } from "./text.ts";
import type { TimerHandle, TimerSet } from "./timers.ts";

/** Where a session writes. */
export interface ResponseSink {
  /** Sends status and headers (once). */
  start(status: number, headers: Record<string, string>): void;
  write(data: string): void;
  end(data?: string): void;
  /** Drops the connection without finishing the response. */
  destroy(): void;
}

/** What a session needs to know about its request. */
export interface SessionInit {
  parsed: ParsedRequest;
  context: ResponseContext;
  /** Base request id (X-Request-Id or random). */
  request_id: string;
  trace_id: string | null;
  parent_span_id: string | null;
  arrival_ms: number;
  /** Tokens the engine will generate, and how the choice ends. */
  output_tokens: number;
  /** How many of the first output tokens are reasoning (chat only; 0 = no reasoning model). */
  reasoning_tokens: number;
  finish_reason: "stop" | "length";
  /** Word-choice salt. */
  salt: number;
  fault: FaultKind | null;
  stall_ms: number;
  /** Keep per-chunk write times. */
  record_chunks: boolean;
}

/** Timings of a request that finished normally, for the span and the metrics. */
export interface FinishedRequest {
  init: SessionInit;
  completion_tokens: number;
  engine: SequenceTimes;
  /** Frontend time the first / last output was handed over, epoch ms. */
  first_output_ms: number;
  last_output_ms: number;
}

/** Callbacks into the simulator. */
export interface SessionHooks {
  /** The engine finished the request and the frontend has its last output (span, metrics). */
  onFinished(request: FinishedRequest): void;
  /** The response is over (completed, faulted or aborted); called exactly once. */
  onClosed(entry: GroundTruthEntry): void;
  /** The request should leave the engine (fault or abort). */
  abortEngine(): void;
}

type Op = { data: string; content: boolean } | { end: true } | { cut: true };

/** Per-request frontend state machine. */
export class CompletionSession {
  readonly #init: SessionInit;
  readonly #sink: ResponseSink;
  readonly #hooks: SessionHooks;
  readonly #timers: TimerSet;
  #generated = 0;
  #text = "";
  #reasoning = "";
  #firstOutputMs: number | null = null;
  #times: SequenceTimes | null = null;
  #finishSent: string | null = null;
  #closed = false;
  #outcome: GroundTruthEntry["outcome"] = "finished";
  #holding = false;
  #held: Op[] = [];
  #stallTimer: TimerHandle | null = null;
  readonly #chunkWriteMs: number[] = [];
  readonly #contentWriteMs: number[] = [];

  constructor(init: SessionInit, sink: ResponseSink, hooks: SessionHooks, timers: TimerSet) {
    this.#init = init;
    this.#sink = sink;
    this.#hooks = hooks;
    this.#timers = timers;
  }

  /** Starts the response: a streaming request gets its 200 and SSE headers now. */
  begin(): void {
    if (this.#init.parsed.stream) {
      this.#sink.start(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
      });
    }
  }

  /** Whether the response is over. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Whether the engine finished the request (its span and metrics are already recorded). */
  get finishedInEngine(): boolean {
    return this.#finishSent !== null;
  }

  /** Handles one engine output, handed to the frontend at `atMs`. */
  onOutput(output: SequenceOutput, atMs: number): void {
    if (this.#closed) return;
    const init = this.#init;
    const { parsed, context } = init;
    const { reasoning, piece } = this.#split(output.new_tokens);
    this.#generated = output.total_tokens;
    this.#times = output.times;
    const first = this.#firstOutputMs === null;
    if (first) this.#firstOutputMs = atMs;

    const faultAt = Math.ceil(init.output_tokens / 2);
    const faultNow = (init.fault === "stream_error" || init.fault === "cut") &&
      this.#generated >= faultAt;
    const finished = output.finished && !faultNow;
    const finish: Finish | null = finished
      ? { finish_reason: init.finish_reason, stop_reason: null }
      : null;
    const usageNow = parsed.continuous_usage
      ? usageOf(parsed.prompt_tokens, this.#generated)
      : null;

    if (!parsed.stream) {
      this.#reasoning += reasoning;
      this.#text += piece;
    } else {
      if (first && context.endpoint === "chat") {
        const roleUsage = parsed.continuous_usage ? usageOf(parsed.prompt_tokens, 0) : null;
        this.#emit(sseEvent(roleChunk(context, roleUsage)), false);
      }
      this.#emit(
        sseEvent(
          contentChunk(context, piece, finish, usageNow, !parsed.include_usage, reasoning),
        ),
        true,
      );
      if (first && init.fault === "stall" && !faultNow) this.#startStall();
    }

    if (faultNow) {
      this.#hooks.abortEngine();
      this.#outcome = "fault";
      if (init.fault === "cut") {
        if (!parsed.stream) {
          // Headers and the start of the body go out first, so the client sees a response cut
          // short (a connection dropped before any response byte may be retried by HTTP clients).
          this.#sink.start(200, { "content-type": "application/json" });
          this.#sink.write(`{"id":${JSON.stringify(context.id)},"object":`);
        }
        this.#push({ cut: true });
      } else if (parsed.stream) {
        this.#emit(sseEvent(internalError().body), false);
        this.#emit(SSE_DONE, false);
        this.#push({ end: true });
      } else {
        this.#sendJson(500, internalError().body);
      }
      return;
    }
    if (!finished) return;

    this.#hooks.onFinished({
      init,
      completion_tokens: this.#generated,
      engine: output.times,
      first_output_ms: this.#firstOutputMs!,
      last_output_ms: atMs,
    });
    this.#finishSent = init.finish_reason;
    const reasoningModel = init.reasoning_tokens > 0;
    const usage: Usage = usageOf(
      parsed.prompt_tokens,
      this.#generated,
      reasoningModel ? Math.min(init.reasoning_tokens, this.#generated) : null,
    );
    if (parsed.stream) {
      if (parsed.include_usage) this.#emit(sseEvent(usageChunk(context, usage)), false);
      this.#emit(SSE_DONE, false);
      this.#push({ end: true });
    } else {
      const reasoningText = reasoningModel ? this.#reasoning : null;
      const body = completionBody(context, this.#text, finish!, usage, reasoningText);
      if (init.fault === "stall") {
        this.#startStall();
        this.#push({ data: JSON.stringify(body), content: true });
        this.#push({ end: true });
      } else {
        this.#sendJson(200, body);
      }
    }
  }

  /**
   * The text of the next `count` tokens, split where reasoning ends: tokens below
   * `reasoning_tokens` are reasoning, the rest the answer (`piece`).
   */
  #split(count: number): { reasoning: string; piece: string } {
    const { salt, reasoning_tokens } = this.#init;
    const from = this.#generated;
    const thinking = Math.max(0, Math.min(count, reasoning_tokens - from));
    return {
      reasoning: tokenText(salt, from, thinking),
      piece: tokenText(salt, from + thinking, count - thinking),
    };
  }

  /** Ends the request early with an HTTP error before any output (injected http faults). */
  failBeforeStart(status: number, body: unknown): void {
    this.#outcome = "fault";
    this.#sendJson(status, body);
  }

  /** The client went away: abort unless the response is already over. */
  onClientGone(): void {
    if (this.#closed) return;
    this.#hooks.abortEngine();
    this.#outcome = "aborted";
    this.#finish();
  }

  /** Server shutdown: drop the connection. */
  shutdown(): void {
    if (this.#closed) return;
    this.#hooks.abortEngine();
    this.#outcome = "aborted";
    this.#sink.destroy();
    this.#finish();
  }

  #sendJson(status: number, body: unknown): void {
    const text = JSON.stringify(body);
    this.#sink.start(status, { "content-type": "application/json" });
    this.#record(false);
    this.#sink.end(text);
    this.#finish();
  }

  #startStall(): void {
    this.#holding = true;
    this.#stallTimer = this.#timers.set(() => {
      this.#stallTimer = null;
      this.#holding = false;
      const ops = this.#held;
      this.#held = [];
      for (const op of ops) this.#run(op);
    }, this.#init.stall_ms);
  }

  #emit(data: string, content: boolean): void {
    this.#push({ data, content });
  }

  #push(op: Op): void {
    if (this.#holding) this.#held.push(op);
    else this.#run(op);
  }

  #run(op: Op): void {
    if (this.#closed) return;
    if ("data" in op) {
      this.#record(op.content);
      if (this.#init.parsed.stream) this.#sink.write(op.data);
      else {
        this.#sink.start(200, { "content-type": "application/json" });
        this.#sink.write(op.data);
      }
    } else if ("end" in op) {
      this.#sink.end();
      this.#finish();
    } else {
      this.#sink.destroy();
      this.#finish();
    }
  }

  #record(content: boolean): void {
    if (!this.#init.record_chunks) return;
    const t = nowMs();
    this.#chunkWriteMs.push(t);
    if (content) this.#contentWriteMs.push(t);
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#timers.clear(this.#stallTimer);
    this.#held = [];
    const init = this.#init;
    const t = this.#times;
    const queue = t && t.scheduled_ms !== null ? t.scheduled_ms - t.queued_ms : 0;
    const prefill = t && t.first_token_ms !== null && t.scheduled_ms !== null
      ? t.first_token_ms - t.scheduled_ms
      : 0;
    const decode = t && t.last_token_ms !== null && t.first_token_ms !== null
      ? t.last_token_ms - t.first_token_ms
      : 0;
    this.#hooks.onClosed({
      request_id: init.request_id,
      response_id: init.context.id,
      trace_id: init.trace_id,
      parent_span_id: init.parent_span_id,
      arrival_ms: init.arrival_ms,
      chunk_write_ms: this.#chunkWriteMs,
      content_chunk_write_ms: this.#contentWriteMs,
      prompt_tokens: init.parsed.prompt_tokens,
      completion_tokens: this.#generated,
      queue_ms: queue,
      prefill_ms: prefill,
      decode_ms: decode,
      outcome: this.#outcome,
      fault: init.fault,
      finish_reason: this.#finishSent,
      stream: init.parsed.stream,
    });
  }
}
