import assert from "node:assert/strict";
import { parseBenchArgs } from "./bench_args.ts";
import { benchRequests } from "./bench_requests.ts";
import { datasetInfoOf } from "../datasets/describe.ts";
import type { RequestSpec } from "../types.ts";

Deno.test("--dataset conversations reads --turns and --think-time-ms (fixed or exp:MS)", () => {
  const fixed = parseBenchArgs(["--dataset", "conversations", "--think-time-ms", "250"]);
  assert.deepEqual([fixed.turns, fixed.thinkTimeMs, fixed.thinkTimeDistribution], [
    null,
    250,
    "fixed",
  ]);
  const exp = parseBenchArgs([
    "--dataset",
    "conversations",
    "--turns",
    "6",
    "--think-time-ms",
    "exp:1000",
    "--input-tokens",
    "64",
  ]);
  assert.deepEqual([exp.turns, exp.thinkTimeMs, exp.thinkTimeDistribution, exp.inputTokens], [
    6,
    1000,
    "exponential",
    64,
  ]);
});

Deno.test("--dataset conversations refuses flags that cannot apply, naming them", () => {
  const refused: [string[], RegExp][] = [
    [["--turns", "3"], /--turns applies to --dataset conversations only/],
    [["--think-time-ms", "5"], /--think-time-ms applies to --dataset conversations only/],
    [["--dataset", "conversations", "--endpoint", "completions"], /needs --endpoint chat/],
    [["--dataset", "conversations", "--shard", "0/2"], /--shard cannot split conversations/],
    [["--dataset", "conversations", "--turns", "0"], /--turns/],
    [["--dataset", "conversations", "--think-time-ms", "exp:soon"], /--think-time-ms/],
    [["--dataset", "conversations", "--range-ratio", "0.5"], /--range-ratio applies to/],
  ];
  for (const [argv, message] of refused) {
    assert.throws(() => parseBenchArgs(argv), message, argv.join(" "));
  }
});

Deno.test("benchRequests() plays generated conversations and ShareGPT's, with their description", async () => {
  const generated = benchRequests(parseBenchArgs([
    "--dataset",
    "conversations",
    "--turns",
    "2",
    "--input-tokens",
    "6",
    "--output-tokens",
    "3",
  ])) as AsyncIterable<RequestSpec>;
  assert.equal(datasetInfoOf(generated)?.name, "generated-conversations");
  const iterator = generated[Symbol.asyncIterator]();
  const first = (await iterator.next()).value as RequestSpec;
  assert.deepEqual([first.conversation?.id, first.conversation?.turn, first.max_tokens], [
    "conv-0",
    1,
    3,
  ]);
  assert.equal((first.messages![0].content as string).split(" ").length, 6);
  await iterator.return!();

  const path = new URL("../datasets/testdata/sharegpt_multiturn.json", import.meta.url).pathname;
  const sharegpt = benchRequests(
    parseBenchArgs(["--dataset", "conversations", "--dataset-path", path, "--turns", "2"]),
  );
  const info = datasetInfoOf(sharegpt);
  assert.equal(info?.name, "sharegpt-conversations");
  assert.equal(info?.settings.turns, 2);
});
