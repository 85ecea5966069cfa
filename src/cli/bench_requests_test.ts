import assert from "node:assert/strict";
import { join } from "node:path";
import { parseBenchArgs } from "./bench_args.ts";
import { benchRequests, tokenizedRequests } from "./bench_requests.ts";
import { startSimulator } from "../sim/server.ts";
import type { RequestSpec } from "../types.ts";

function take(specs: Iterable<RequestSpec> | AsyncIterable<RequestSpec>, n: number): RequestSpec[] {
  const out: RequestSpec[] = [];
  for (const spec of specs as Iterable<RequestSpec>) if (out.push(spec) === n) break;
  return out;
}

Deno.test("benchRequests() builds random prompts from the length flags", () => {
  const specs = take(
    benchRequests(parseBenchArgs(["--input-tokens", "12", "--output-tokens", "7", "--ignore-eos"])),
    3,
  );
  assert.equal(specs.length, 3);
  assert.ok(specs.every((s) => s.prompt_tokens_estimate === 12 && s.max_tokens === 7));
  assert.ok(specs.every((s) => s.params?.ignore_eos === true));
});

Deno.test("benchRequests() repeats a JSONL file endlessly and applies --output-tokens", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bench_requests_" });
  try {
    const path = join(dir, "r.jsonl");
    await Deno.writeTextFile(path, '{"prompt": "a", "max_tokens": 3}\n{"prompt": "b"}\n');
    const plain = take(
      benchRequests(parseBenchArgs(["--dataset", "jsonl", "--dataset-path", path])),
      5,
    );
    assert.deepEqual(plain.map((s) => s.prompt), ["a", "b", "a", "b", "a"]);
    assert.deepEqual(plain.map((s) => s.max_tokens), [3, undefined, 3, undefined, 3]);
    const sized = take(
      benchRequests(
        parseBenchArgs(["--dataset", "jsonl", "--dataset-path", path, "--output-tokens", "9"]),
      ),
      2,
    );
    assert.deepEqual(sized.map((s) => s.max_tokens), [9, 9]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("benchRequests() reads ShareGPT with the seed and fails on a bad file before sending", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bench_requests_" });
  try {
    const path = join(dir, "s.json");
    await Deno.writeTextFile(
      path,
      JSON.stringify([{
        conversations: [{ from: "human", value: "hello" }, { from: "gpt", value: "hi there" }],
      }]),
    );
    const specs = take(
      benchRequests(parseBenchArgs(["--dataset", "sharegpt", "--dataset-path", path])),
      2,
    );
    assert.deepEqual(specs.map((s) => [s.prompt, s.max_tokens]), [["hello", 2], ["hello", 2]]);
    await Deno.writeTextFile(path, "[\n{]");
    assert.throws(
      () => benchRequests(parseBenchArgs(["--dataset", "sharegpt", "--dataset-path", path])),
      new RegExp(`${path.replaceAll("/", "\\/")}:2`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tokenizedRequests() fits random prompts with the server's /tokenize, else warns and keeps them", async () => {
  const sim = await startSimulator({ model: "sim-model" });
  const bare = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response('{"detail":"Not Found"}', { status: 404 }),
  );
  try {
    const args = parseBenchArgs(["--input-tokens", "9", "--model", "sim-model"]);
    const warnings: string[] = [];
    const fitted = await tokenizedRequests(
      benchRequests(args),
      args,
      sim.url,
      (m) => warnings.push(m),
    );
    for await (const spec of fitted) {
      assert.equal(spec.prompt_tokens_requested, 9);
      assert.equal(spec.prompt_tokens_estimate, 9);
      break;
    }
    assert.equal(warnings.length, 0);
    const plain = benchRequests(args);
    const url = `http://127.0.0.1:${bare.addr.port}`;
    const kept: unknown = await tokenizedRequests(plain, args, url, (m) => warnings.push(m));
    assert.equal(kept, plain);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /no POST \/tokenize: random prompt lengths are estimated/);
  } finally {
    await bare.shutdown();
    await sim.close();
  }
});
