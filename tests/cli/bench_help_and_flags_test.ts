import assert from "node:assert/strict";
import { FLAGS } from "../../src/cli/bench_args.ts";
import { runBench } from "./_bench_helpers.ts";

Deno.test("bench --help exits 0 and lists every flag", async () => {
  const { code, stdout } = await runBench(["--help"]);
  assert.equal(code, 0);
  for (const flag of FLAGS) assert.ok(stdout.includes(`--${flag.name}`), `--${flag.name} missing`);
  assert.match(stdout, /Exit codes/);
});

Deno.test("bench with a mistyped flag exits 2 and names the flag", async () => {
  const { code, stderr, stdout } = await runBench(["--concurency", "4"]);
  assert.equal(code, 2);
  assert.match(stderr, /unknown flag --concurency/);
  assert.match(stderr, /did you mean --concurrency/);
  assert.equal(stdout, "", "nothing is run");
});

Deno.test("bench with bad values exits 2 with a message naming the flag", async () => {
  const cases: [string[], RegExp][] = [
    [["--requests", "many"], /option --requests must be an integer/],
    [["--concurrency", "1,,4"], /option --concurrency must be a comma list without empty items/],
    [["--shard", "4/4", "--run-id", "r"], /option --shard must be I\/N with I in 0..3/],
    [["--shard", "0/4", "--requests", "2"], /--shard: 2 requests cannot be split over 4 shards/],
    // Issue 13: these used to pass the parser and fail after the banner (or not at all).
    [["--model", ""], /--model: the value is empty/],
    [["--jsonl", ""], /--jsonl: the value is empty/],
    [["--otlp-host", ""], /--otlp-host: the value is empty/],
    [["--out", ""], /--out: the value is empty/],
    [["--requests", "0x10"], /option --requests must be an integer ≥ 1, got "0x10"/],
    [["--input-tokens", "100000000"], /option --input-tokens must be at most 1000000/],
  ];
  for (const [args, expected] of cases) {
    const { code, stdout, stderr } = await runBench(args);
    assert.equal(code, 2, args.join(" "));
    assert.match(stderr, expected);
    assert.equal(stdout, "", `${args.join(" ")}: nothing is started before the flags are checked`);
  }
});

Deno.test("bench with a bad dataset file exits 1 naming the file and line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bench_cli_" });
  const path = `${dir}/requests.jsonl`;
  await Deno.writeTextFile(path, '{"prompt": "ok"}\n{"prompt": 3}\n');
  const { code, stderr } = await runBench([
    "--dataset",
    "jsonl",
    "--dataset-path",
    path,
    "--out",
    dir,
  ]);
  assert.equal(code, 1);
  assert.ok(stderr.includes(`${path}:2`), stderr);
  assert.match(stderr, /"prompt" must be a non-empty string/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("docs/CLI.md documents every flag and every exit code", async () => {
  const doc = await Deno.readTextFile(new URL("../../docs/CLI.md", import.meta.url));
  for (const flag of FLAGS) {
    assert.ok(doc.includes(`\`--${flag.name}`), `--${flag.name} undocumented`);
  }
  for (const code of [0, 1, 2, 3, 4, 130]) assert.match(doc, new RegExp(`\\| ${code} +\\|`));
});
