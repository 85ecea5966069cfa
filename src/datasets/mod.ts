/**
 * Request generators: synthetic random prompts, ShareGPT conversations, and your own JSONL.
 * Each gives {@link RequestSpec}s for `collect`.
 *
 * @module
 */

export { randomDataset, type RandomDatasetOptions } from "./random.ts";
export { sharegptDataset, type SharegptDatasetOptions } from "./sharegpt.ts";
export { jsonlDataset, type JsonlDatasetOptions } from "./jsonl.ts";
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
