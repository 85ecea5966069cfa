/**
 * The continuous-batching engine model, like vLLM V1's engine core: a FIFO waiting queue, at
 * most `maxNumSeqs` running sequences, and engine steps. A step first schedules waiting
 * sequences into the free slots (their queue time ends at the step's start), then runs for
 * `decodeStepMs + running · decodeStepMsPerSeq` plus, for each newly scheduled sequence,
 * `prefillBaseMs + prompt_tokens · prefillMsPerToken`. At the end of a step every running
 * sequence has one more token (a new sequence's first token comes from its prefill step).
 *
 * Outputs follow `--stream-interval`: the first token goes out at once, then every
 * `streamInterval` tokens, and the last one whenever the sequence finishes.
 *
 * Pure apart from the injected {@link EngineClock}, so tests drive it with a fake clock.
 *
 * @module
 */
import { nowMs } from "../util/clock.ts";

/** Time and timers, injectable for tests. */
export interface EngineClock {
  /** Current time, ms. */
  now(): number;
  /** Calls `fn` after `delayMs`; returns a handle for {@link EngineClock.clearTimer}. */
  setTimer(fn: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

/** The real clock: `nowMs()` and `setTimeout`. */
export const realClock: EngineClock = {
  now: nowMs,
  setTimer: (fn, delayMs) => setTimeout(fn, delayMs),
  clearTimer: (handle) => clearTimeout(handle as number),
};

/** Timing parameters of the engine model. */
export interface EngineConfig {
  maxNumSeqs: number;
  prefillBaseMs: number;
  prefillMsPerToken: number;
  decodeStepMs: number;
  decodeStepMsPerSeq: number;
  streamInterval: number;
  /**
   * KV-cache blocks of {@link KV_BLOCK_TOKENS} tokens (default: unlimited). A running sequence
   * holds the blocks of its prompt and generated tokens; when the next step's tokens do not fit,
   * the most recently scheduled sequence is preempted (back to the head of the queue, its blocks
   * freed, recomputed when rescheduled), as vLLM V1's scheduler does.
   */
  kvCacheBlocks?: number;
}

/** Tokens per KV-cache block (vLLM's default block size). */
export const KV_BLOCK_TOKENS = 16;

const blocksFor = (tokens: number) => Math.ceil(tokens / KV_BLOCK_TOKENS);

/** A sequence to generate. */
export interface SequenceSpec {
  /** Unique among live sequences. */
  id: string;
  prompt_tokens: number;
  /** Leading prompt tokens found in the prefix cache: not prefilled again (default 0). */
  cached_tokens?: number;
  /** Tokens to generate before finishing (≥ 1). */
  output_tokens: number;
}

/** Engine timestamps of one sequence (engine clock, ms); null until reached. */
export interface SequenceTimes {
  queued_ms: number;
  scheduled_ms: number | null;
  first_token_ms: number | null;
  last_token_ms: number | null;
}

/** New tokens of one sequence, as an engine step hands them to the frontend. */
export interface SequenceOutput {
  id: string;
  /** Tokens in this output (≥ 1). */
  new_tokens: number;
  /** Tokens generated so far, this output included. */
  total_tokens: number;
  finished: boolean;
  times: SequenceTimes;
}

interface Sequence {
  spec: SequenceSpec;
  times: SequenceTimes;
  generated: number;
  unsent: number;
}

/**
 * The engine. Outputs of each step arrive in one `onOutputs` call, in scheduling order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Engine, realClock, type SequenceOutput } from "./engine.ts";
 * const outputs: SequenceOutput[] = [];
 * const finished = Promise.withResolvers<void>();
 * const engine = new Engine(
 *   {
 *     maxNumSeqs: 2, prefillBaseMs: 1, prefillMsPerToken: 0, decodeStepMs: 1,
 *     decodeStepMsPerSeq: 0, streamInterval: 1,
 *   },
 *   realClock,
 *   (step) => {
 *     outputs.push(...step);
 *     if (step.some((o) => o.finished)) finished.resolve();
 *   },
 * );
 * engine.add({ id: "a", prompt_tokens: 4, output_tokens: 3 });
 * await finished.promise;
 * engine.close();
 * assert.deepEqual(outputs.map((o) => [o.total_tokens, o.finished]), [
 *   [1, false], // the prefill step makes the first token
 *   [2, false],
 *   [3, true],
 * ]);
 * ```
 */
export class Engine {
  readonly #config: EngineConfig;
  readonly #clock: EngineClock;
  readonly #onOutputs: (outputs: SequenceOutput[]) => void;
  readonly #waiting = new Map<string, Sequence>();
  readonly #running = new Map<string, Sequence>();
  #timer: unknown = null;
  #closed = false;
  #steps = 0;
  #preemptions = 0;

  constructor(
    config: EngineConfig,
    clock: EngineClock,
    onOutputs: (outputs: SequenceOutput[]) => void,
  ) {
    this.#config = config;
    this.#clock = clock;
    this.#onOutputs = onOutputs;
  }

  /** Sequences waiting for a slot. */
  get waiting(): number {
    return this.#waiting.size;
  }

  /** Sequences running (scheduled, not finished). */
  get running(): number {
    return this.#running.size;
  }

  /** Running sequences preempted so far because the KV cache was full. */
  get preemptions(): number {
    return this.#preemptions;
  }

  /** Fraction of the KV-cache blocks held by running sequences (0 with an unlimited cache). */
  get kvCacheUsage(): number {
    const capacity = this.#config.kvCacheBlocks ?? Infinity;
    if (capacity === Infinity) return 0;
    let used = 0;
    for (const seq of this.#running.values()) {
      used += blocksFor(seq.spec.prompt_tokens + seq.generated);
    }
    return Math.min(1, used / capacity);
  }

  /** Engine steps completed so far. */
  get steps(): number {
    return this.#steps;
  }

  /** Queues a sequence (FIFO); it is scheduled at the start of the next step with a free slot. */
  add(spec: SequenceSpec): void {
    if (this.#closed) throw new Error("engine is closed");
    if (this.#waiting.has(spec.id) || this.#running.has(spec.id)) {
      throw new Error(`sequence id ${JSON.stringify(spec.id)} is already in the engine`);
    }
    if (!Number.isInteger(spec.output_tokens) || spec.output_tokens < 1) {
      throw new RangeError(
        `sequence ${spec.id}: output_tokens must be ≥ 1, got ${spec.output_tokens}`,
      );
    }
    this.#waiting.set(spec.id, {
      spec,
      times: {
        queued_ms: this.#clock.now(),
        scheduled_ms: null,
        first_token_ms: null,
        last_token_ms: null,
      },
      generated: 0,
      unsent: 0,
    });
    if (this.#timer === null) this.#startStep();
  }

  /** Drops a waiting or running sequence; returns whether it was there. No further outputs. */
  abort(id: string): boolean {
    return this.#waiting.delete(id) || this.#running.delete(id);
  }

  /** Stops stepping and forgets every sequence. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== null) this.#clock.clearTimer(this.#timer);
    this.#timer = null;
    this.#waiting.clear();
    this.#running.clear();
  }

  #startStep(): void {
    const start = this.#clock.now();
    const c = this.#config;
    let prefillMs = 0;
    let freeBlocks = this.#makeRoomForNextTokens();
    for (const [id, seq] of this.#waiting) {
      if (this.#running.size >= c.maxNumSeqs) break;
      // Blocks for the prompt, the tokens made before a preemption, and this step's token. With
      // nothing running the head is scheduled anyway, so an oversized prompt cannot stall it.
      const needed = blocksFor(seq.spec.prompt_tokens + seq.generated + 1);
      if (needed > freeBlocks && this.#running.size > 0) break;
      freeBlocks -= needed;
      this.#waiting.delete(id);
      seq.times.scheduled_ms ??= start; // the queue time ends at the first scheduling, as vLLM
      // A preempted sequence recomputes its prompt and the tokens it had generated.
      const computed = seq.spec.prompt_tokens + seq.generated - (seq.spec.cached_tokens ?? 0);
      prefillMs += c.prefillBaseMs + computed * c.prefillMsPerToken;
      this.#running.set(id, seq);
    }
    if (this.#running.size === 0) {
      this.#timer = null;
      return;
    }
    const stepMs = c.decodeStepMs + this.#running.size * c.decodeStepMsPerSeq + prefillMs;
    this.#timer = this.#clock.setTimer(() => this.#finishStep(), stepMs);
  }

  /**
   * Preempts the most recently scheduled running sequences until every remaining one has a
   * block for its next token (never the last one); returns the blocks left free.
   */
  #makeRoomForNextTokens(): number {
    const capacity = this.#config.kvCacheBlocks ?? Infinity;
    if (capacity === Infinity) return Infinity;
    let needed = 0;
    for (const seq of this.#running.values()) {
      needed += blocksFor(seq.spec.prompt_tokens + seq.generated + 1);
    }
    while (needed > capacity && this.#running.size > 1) {
      const [id, seq] = [...this.#running].at(-1)!;
      this.#running.delete(id);
      needed -= blocksFor(seq.spec.prompt_tokens + seq.generated + 1);
      const waiting = [...this.#waiting];
      this.#waiting.clear();
      for (const [k, v] of [[id, seq] as const, ...waiting]) this.#waiting.set(k, v);
      this.#preemptions++;
    }
    return Math.max(0, capacity - needed);
  }

  #finishStep(): void {
    if (this.#closed) return;
    this.#steps++;
    const end = this.#clock.now();
    const outputs: SequenceOutput[] = [];
    for (const [id, seq] of this.#running) {
      seq.generated++;
      seq.unsent++;
      if (seq.generated === 1) seq.times.first_token_ms = end;
      seq.times.last_token_ms = end;
      const finished = seq.generated >= seq.spec.output_tokens;
      if (finished) this.#running.delete(id);
      if (finished || seq.generated === 1 || seq.unsent >= this.#config.streamInterval) {
        outputs.push({
          id,
          new_tokens: seq.unsent,
          total_tokens: seq.generated,
          finished,
          times: { ...seq.times },
        });
        seq.unsent = 0;
      }
    }
    this.#startStep();
    if (outputs.length > 0) this.#onOutputs(outputs);
  }
}
