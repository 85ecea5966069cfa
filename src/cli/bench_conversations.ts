/**
 * `--dataset conversations`: multi-turn chats sent turn by turn, each turn carrying the model's
 * actual previous answers. Generated (random words of --input-tokens per user message, --turns
 * messages) or, with --dataset-path, the conversations of a ShareGPT file (at most --turns user
 * messages each). --think-time-ms sets the pause between an answer and the next turn.
 *
 * @module
 */

import type { RequestSpec } from "../types.ts";
import {
  type ConversationScript,
  conversationsDataset,
  type ThinkTimeDistribution,
} from "../datasets/conversations.ts";
import {
  exactConversationTurns,
  generatedConversations,
  sharegptConversations,
} from "../datasets/conversation_scripts.ts";
import type { PromptTokenizer } from "../datasets/exact_prompts.ts";
import { datasetInfoOf, describeDataset } from "../datasets/describe.ts";
import { flagError, parseInteger, parseNumber } from "./parse_values.ts";
import { UsageError } from "./usage_error.ts";

/** The conversation settings of a bench invocation. */
export interface ConversationArgs {
  /** --turns: user messages per conversation (generated: exactly; ShareGPT: at most); null = default. */
  turns: number | null;
  /** --think-time-ms: mean pause between an answer and the next turn, ms. */
  thinkTimeMs: number;
  /** `fixed`, or `exponential` for --think-time-ms exp:MS. */
  thinkTimeDistribution: ThinkTimeDistribution;
}

/** User messages per generated conversation without --turns. */
export const DEFAULT_TURNS = 4;

/**
 * --turns and --think-time-ms (`MS` fixed, `exp:MS` exponential with that mean), checked against
 * the dataset and the other flags; throws a UsageError naming the flag.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { conversationArgsOf } from "./bench_conversations.ts";
 * const given: Record<string, string> = { turns: "3", "think-time-ms": "exp:500" };
 * const args = conversationArgsOf("conversations", (name) => given[name], "chat");
 * assert.deepEqual(args, { turns: 3, thinkTimeMs: 500, thinkTimeDistribution: "exponential" });
 * ```
 */
export function conversationArgsOf(
  dataset: string,
  get: (name: string) => string | undefined,
  endpoint: string,
): ConversationArgs {
  const turnsText = get("turns");
  const thinkText = get("think-time-ms");
  if (dataset !== "conversations") {
    const stray = turnsText !== undefined
      ? "turns"
      : thinkText !== undefined
      ? "think-time-ms"
      : null;
    if (stray) throw new UsageError(`--${stray} applies to --dataset conversations only`);
    return { turns: null, thinkTimeMs: 0, thinkTimeDistribution: "fixed" };
  }
  if (endpoint !== "chat") {
    throw new UsageError("--dataset conversations needs --endpoint chat (a history is messages)");
  }
  if (get("shard") !== undefined) {
    throw new UsageError(
      "--shard cannot split conversations (each shard would miss turns); run one client",
    );
  }
  const exponential = thinkText?.startsWith("exp:") ?? false;
  const thinkTimeMs = thinkText === undefined
    ? 0
    : parseNumber("--think-time-ms", exponential ? thinkText.slice(4) : thinkText, 0);
  if (!Number.isFinite(thinkTimeMs)) {
    throw flagError("--think-time-ms", "MS or exp:MS, a finite number ≥ 0", thinkText!);
  }
  return {
    turns: turnsText === undefined ? null : parseInteger("--turns", turnsText, 1),
    thinkTimeMs,
    thinkTimeDistribution: exponential ? "exponential" : "fixed",
  };
}

/** The flags the conversation requests are built from. */
export interface ConversationRequestArgs extends ConversationArgs {
  datasetPath: string | null;
  inputTokens: number;
  outputTokens: number;
  outputTokensGiven: boolean;
  seed: number;
  ignoreEos: boolean;
}

/**
 * The conversations of the flags for collect: a ShareGPT file's (read and checked now) or
 * generated ones, repeated without end (bound the run with --requests or --duration), with ids
 * made unique per round. With a tokenizer, generated user messages are cut to exactly
 * --input-tokens of the server's tokens.
 */
export function conversationRequests(
  args: ConversationRequestArgs,
  tokenizer: PromptTokenizer | null = null,
): AsyncIterable<RequestSpec> {
  const options = {
    thinkTimeMs: args.thinkTimeMs,
    thinkTimeDistribution: args.thinkTimeDistribution,
    seed: args.seed,
    params: args.ignoreEos ? { ignore_eos: true } : {},
  };
  if (args.datasetPath !== null) {
    const scripts = sharegptConversations(args.datasetPath, {
      seed: args.seed,
      turns: args.turns ?? undefined,
      outputTokens: args.outputTokensGiven ? args.outputTokens : undefined,
    });
    return conversationsDataset(repeatScripts(scripts), options);
  }
  const generated = generatedConversations({
    turns: args.turns ?? DEFAULT_TURNS,
    inputTokens: args.inputTokens,
    outputTokens: args.outputTokens,
    seed: args.seed,
  });
  return conversationsDataset(
    tokenizer === null ? generated : exactConversationTurns(generated, tokenizer),
    options,
  );
}

/** The scripts again and again; round k ≥ 2 has ids `id#k`. Keeps the scripts' description. */
function repeatScripts(scripts: ConversationScript[]): Iterable<ConversationScript> {
  const repeated = {
    *[Symbol.iterator]() {
      for (let round = 1;; round++) {
        for (const script of scripts) {
          yield round === 1 ? script : { ...script, id: `${script.id}#${round}` };
        }
      }
    },
  };
  const info = datasetInfoOf(scripts);
  return info === null ? repeated : describeDataset(repeated, info);
}
