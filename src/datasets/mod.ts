/**
 * Request generators: synthetic random prompts (optionally in groups sharing a prefix), ShareGPT
 * conversations, your own JSONL, Mooncake traces replayed at their timestamps, and multi-turn
 * conversations played turn by turn with the model's own answers.
 * Each gives {@link RequestSpec}s for `collect`.
 *
 * @module
 */

export { randomDataset, type RandomDatasetOptions } from "./random.ts";
export { sharegptDataset, type SharegptDatasetOptions } from "./sharegpt.ts";
export { jsonlDataset, type JsonlDatasetOptions } from "./jsonl.ts";
export {
  exactSharedPrefixes,
  sharedPrefixDataset,
  type SharedPrefixOptions,
} from "./shared_prefix.ts";
export {
  exactTraceDataset,
  parseTrace,
  readTrace,
  TRACE_BLOCK_TOKENS,
  traceDataset,
  type TraceDatasetOptions,
  type TraceEntry,
} from "./trace.ts";
export {
  type ConversationScript,
  conversationsDataset,
  type ConversationsOptions,
  type ScriptTurn,
  type ThinkTimeDistribution,
} from "./conversations.ts";
export {
  exactConversationTurns,
  generatedConversations,
  type GeneratedConversationsOptions,
  sharegptConversations,
  type SharegptConversationsOptions,
} from "./conversation_scripts.ts";
export { repeatEndlessly, seededShuffle } from "./shuffle.ts";
export {
  exactPromptLengths,
  type ExactPromptOptions,
  prebuildExactPrompts,
  PromptFitter,
  type PromptTokenizer,
  serverTokenizer,
  type ServerTokenizerOptions,
  TokenizerError,
} from "./exact_prompts.ts";
