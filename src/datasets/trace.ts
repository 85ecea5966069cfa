/**
 * Trace replay: the Mooncake trace format (JSONL, one request a line), as AIPerf and GuideLLM
 * replay it. Each line is `{"timestamp": ms, "input_length": n, "output_length": m,
 * "hash_ids": [...]}`: the request is sent `timestamp` ms after the first line's (times
 * `timeScale`), with a prompt of `input_length` tokens and `max_tokens` = `output_length`.
 *
 * Each hash id names one block of {@link TRACE_BLOCK_TOKENS} prompt tokens. A block's text
 * depends only on its id and the seed, and a prompt is its blocks in order (the last one cut
 * short when `input_length` ends inside it) followed by text of its own when `input_length` is
 * longer than its blocks. So requests whose `hash_ids` start alike start with the same text, and
 * a prefix cache sees them as in the original trace.
 *
 * Lengths: {@link traceDataset} estimates 4 characters a token (the simulator's exact count);
 * {@link exactTraceDataset} makes every block exactly 512 token ids and every prompt exactly
 * `input_length` tokens with the server's own tokenizer (`POST /tokenize`).
 *
 * @module
 */

import type { DatasetInfo, RequestSpec } from "../types.ts";
import { createRng } from "../util/rng.ts";
import { PromptFitter, type PromptTokenizer } from "./exact_prompts.ts";
import { randomPrompt } from "./random.ts";
import { blockWords, firstIds } from "./blocks.ts";
import { datasetInfoOf, describeDataset, textSha256 } from "./describe.ts";
import { readDatasetText } from "./read_text.ts";
import { parseJsonLines } from "./json_lines.ts";

/** Prompt tokens per hash id, as in the Mooncake trace. */
export const TRACE_BLOCK_TOKENS = 512;

/** One line of a Mooncake trace. */
export interface TraceEntry {
  /** When the request arrived, in ms from the trace's start (`timestamp`). */
  timestamp_ms: number;
  /** Prompt tokens. */
  input_length: number;
  /** Generated tokens, sent as `max_tokens`. */
  output_length: number;
  /** Ids of the prompt's 512-token blocks, in order; equal leading ids = shared prefix. */
  hash_ids: number[];
}

/** Options of {@link traceDataset} and {@link exactTraceDataset}. */
export interface TraceDatasetOptions {
  /** Multiplies the recorded gaps: 0.5 replays twice as fast, 2 half as fast (default 1). */
  timeScale?: number;
  /** Seed of the block and tail texts (default 0). */
  seed?: number;
  /** Also send `ignore_eos: true` (vLLM only) so each request generates exactly output_length. */
  ignoreEos?: boolean;
}

/**
 * The entries of a Mooncake trace, in file order. Throws an Error naming the file, the line and
 * what is wrong at the first bad line; blank lines are skipped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTrace } from "./trace.ts";
 * const [entry] = parseTrace(
 *   '{"timestamp": 27, "input_length": 700, "output_length": 5, "hash_ids": [4, 9]}',
 *   "trace.jsonl",
 * );
 * assert.deepEqual(entry, { timestamp_ms: 27, input_length: 700, output_length: 5, hash_ids: [4, 9] });
 * ```
 */
export function parseTrace(text: string, where: string): TraceEntry[] {
  return parseJsonLines(text, where, "trace", parseEntry);
}

/** The entries of the trace file at `path` (see {@link parseTrace}). */
export function readTrace(path: string): TraceEntry[] {
  const text = readDatasetText(path, "trace");
  return describeDataset(parseTrace(text, path), {
    name: "trace",
    path,
    sha256: textSha256(text),
    settings: {},
  });
}

/** What a replay of `entries` remembers: the file readTrace read, and the replay's options. */
function traceInfo(entries: readonly TraceEntry[], options: TraceDatasetOptions): DatasetInfo {
  const file = datasetInfoOf(entries);
  return {
    name: "trace",
    ...(file?.path === undefined ? {} : { path: file.path }),
    ...(file?.sha256 === undefined ? {} : { sha256: file.sha256 }),
    settings: {
      entries: entries.length,
      time_scale: options.timeScale ?? 1,
      seed: options.seed ?? 0,
      ignore_eos: options.ignoreEos === true,
    },
  };
}

/** One line's object; throws a message (without location) when it is bad. */
function parseEntry(value: Record<string, unknown>): TraceEntry {
  const { timestamp, input_length, output_length, hash_ids = [] } = value;
  if (typeof timestamp !== "number" || !(timestamp >= 0 && timestamp < Infinity)) {
    throw `"timestamp" must be a number of ms ≥ 0, got ${JSON.stringify(timestamp)}`;
  }
  for (const [name, length] of [["input_length", input_length], ["output_length", output_length]]) {
    if (!Number.isInteger(length) || (length as number) < 1) {
      throw `"${name}" must be an integer ≥ 1, got ${JSON.stringify(length)}`;
    }
  }
  if (!Array.isArray(hash_ids) || !hash_ids.every((id) => Number.isInteger(id) && id >= 0)) {
    throw `"hash_ids" must be an array of integers ≥ 0, got ${JSON.stringify(hash_ids)}`;
  }
  return {
    timestamp_ms: timestamp,
    input_length: input_length as number,
    output_length: output_length as number,
    hash_ids: hash_ids as number[],
  };
}

/**
 * The trace's requests with prompts estimated at 4 characters a token (exact on the simulator),
 * each due at `(timestamp − first timestamp) · timeScale` ms after the run's start
 * (`send_at_ms`). Requests with the same leading `hash_ids` share that prefix character for
 * character.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { traceDataset } from "./trace.ts";
 * const [a, b] = traceDataset([
 *   { timestamp_ms: 1000, input_length: 600, output_length: 8, hash_ids: [7, 1] },
 *   { timestamp_ms: 1500, input_length: 600, output_length: 8, hash_ids: [7, 2] },
 * ], { timeScale: 0.5 });
 * assert.deepEqual([a.send_at_ms, b.send_at_ms], [0, 250]);
 * assert.equal(a.prompt!.slice(0, 2048), b.prompt!.slice(0, 2048)); // block 7: 512 tokens
 * assert.notEqual(a.prompt!.slice(2048), b.prompt!.slice(2048));
 * ```
 */
export function traceDataset(
  entries: readonly TraceEntry[],
  options: TraceDatasetOptions = {},
): RequestSpec[] {
  const { seed, toSpec } = traceSettings(entries, options);
  const blocks = new Map<number, string>();
  const block = (id: number) => {
    let text = blocks.get(id);
    if (text === undefined) blocks.set(id, text = blockWords(seed, id, TRACE_BLOCK_TOKENS));
    return text;
  };
  const tails = createRng(seed ^ TAIL_SEED);
  const specs = entries.map((entry) => {
    const ids = blockIds(entry);
    const tail = tailWords(tails, entry, ids.length);
    const prompt = (ids.map(block).join("") + tail).slice(0, entry.input_length * 4).trimEnd();
    return toSpec(entry, prompt, entry.input_length);
  });
  return describeDataset(specs, traceInfo(entries, options));
}

/**
 * As {@link traceDataset}, with lengths exact in the server's tokens: each block is the first
 * 512 token ids of its words (tokenized once per hash id), a prompt is the text of its blocks'
 * ids and its own words' ids, and each whole prompt is fitted to `input_length` tokens as the
 * server counts the request (chat template included) by moving the cut at its end.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exactTraceDataset } from "./trace.ts";
 * import { serverTokenizer } from "./exact_prompts.ts";
 * import { startSimulator } from "../sim/mod.ts";
 * const sim = await startSimulator(); // or the URL of your vLLM server
 * try {
 *   const tokenizer = await serverTokenizer({ url: sim.url, endpoint: "chat" });
 *   const specs = await exactTraceDataset([
 *     { timestamp_ms: 0, input_length: 700, output_length: 8, hash_ids: [3, 4] },
 *   ], tokenizer!);
 *   assert.equal(await tokenizer!.countPrompt(specs[0].prompt!), 700);
 * } finally {
 *   await sim.close();
 * }
 * ```
 */
export async function exactTraceDataset(
  entries: readonly TraceEntry[],
  tokenizer: PromptTokenizer,
  options: TraceDatasetOptions = {},
): Promise<RequestSpec[]> {
  const { seed, toSpec } = traceSettings(entries, options);
  // A block is the first 512 ids of its words; a prompt, its blocks' ids and then its own
  // words, as text. The whole prompt's count is fitted at its end.
  const promptFitter = new PromptFitter(tokenizer);
  const blocks = new Map<number, Promise<number[]>>();
  const block = (id: number) => {
    let ids = blocks.get(id);
    if (ids === undefined) {
      ids = tokenizer.tokenize(blockWords(seed, id, TRACE_BLOCK_TOKENS)).then((all) =>
        firstIds(all, TRACE_BLOCK_TOKENS, `trace block ${id}`)
      );
      blocks.set(id, ids);
    }
    return ids;
  };
  const tails = createRng(seed ^ TAIL_SEED);
  const drafts = entries.map((entry) => {
    const ids = blockIds(entry);
    return { entry, ids, tail: tailWords(tails, entry, ids.length) };
  });
  const specs = await mapLimited(drafts, FIT_PARALLEL, async ({ entry, ids, tail }) => {
    const own = tail === "" ? [] : await tokenizer.tokenize(tail);
    const text = await tokenizer.detokenize([
      ...(await Promise.all(ids.map(block))).flat(),
      ...own,
    ]);
    const fitted = await promptFitter.fit(text, entry.input_length);
    return toSpec(entry, fitted.prompt, fitted.tokens);
  });
  return describeDataset(specs, traceInfo(entries, options));
}

/** Seed offset of the per-request tails (apart from the blocks' seeds). */
const TAIL_SEED = 0x5bd1e995;
/** Prompts fitted at once (tokenizer calls in flight). */
const FIT_PARALLEL = 8;

/** Checked options, and how an entry becomes a spec. */
function traceSettings(entries: readonly TraceEntry[], options: TraceDatasetOptions) {
  const timeScale = options.timeScale ?? 1;
  if (typeof timeScale !== "number" || !(timeScale > 0 && timeScale < Infinity)) {
    throw new RangeError(`traceDataset: timeScale must be a finite number > 0, got ${timeScale}`);
  }
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) {
    throw new RangeError(`traceDataset: seed must be an integer, got ${seed}`);
  }
  if (entries.length === 0) throw new RangeError("traceDataset: the trace has no entries");
  const startMs = Math.min(...entries.map((e) => e.timestamp_ms));
  const params: Record<string, unknown> = options.ignoreEos ? { ignore_eos: true } : {};
  const toSpec = (entry: TraceEntry, prompt: string, tokens: number): RequestSpec => ({
    prompt,
    max_tokens: entry.output_length,
    params: { ...params },
    tag: "trace",
    prompt_tokens_estimate: tokens,
    prompt_tokens_requested: entry.input_length,
    send_at_ms: (entry.timestamp_ms - startMs) * timeScale,
  });
  return { seed, toSpec };
}

/** The hash ids whose blocks the prompt reaches into (a trace may list more). */
function blockIds(entry: TraceEntry): number[] {
  return entry.hash_ids.slice(0, Math.ceil(entry.input_length / TRACE_BLOCK_TOKENS));
}

/** The request's own words after its blocks, when its blocks are shorter than its prompt. */
function tailWords(rng: ReturnType<typeof createRng>, entry: TraceEntry, blocks: number): string {
  const missing = entry.input_length - blocks * TRACE_BLOCK_TOKENS;
  return missing > 0 ? randomPrompt(rng, missing) + " " : "";
}

/** `work` on every item, at most `limit` at a time, results in input order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const at = next++;
      results[at] = await work(items[at]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
