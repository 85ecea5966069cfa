import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { parseBenchArgs } from "./bench_args.ts";
import { UsageError } from "./usage_error.ts";
import { save } from "../io/save.ts";
import { syntheticRun } from "../compare/_test_runs.ts";

const BENCH = fileURLToPath(new URL("./bench.ts", import.meta.url));

Deno.test("--compare takes two files, and --slo and --seed beside it", () => {
  const args = parseBenchArgs(["--compare", "a.json", "b.json", "--seed", "3", "--slo", "ttft=50"]);
  assert.deepEqual(args.compare, ["a.json", "b.json"]);
  assert.equal(args.seed, 3);
  assert.deepEqual(args.slo, { ttft_ms: 50 });
  assert.equal(parseBenchArgs([]).compare, null);
});

Deno.test("--compare with one file or with benchmark flags is a usage error", () => {
  assert.throws(() => parseBenchArgs(["--compare", "a.json"]), {
    name: UsageError.name,
    message: "--compare needs 2 values (A.json B.json)",
  });
  assert.throws(() => parseBenchArgs(["--compare", "a.json", "--seed", "1"]), {
    message: "--compare needs 2 values (A.json B.json)",
  });
  assert.throws(() => parseBenchArgs(["--compare", "a.json", "b.json", "--simulate"]), {
    message: "--compare takes only --slo and --seed, not --simulate",
  });
});

Deno.test("bench --compare prints the table of two saved runs, and fails clearly on a bad file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = `${dir}/a.json`;
    const b = `${dir}/b.json`;
    await save(
      syntheticRun({ requests: 80, seed: 1, ttftMeanMs: 60, gapMeanMs: 3, label: "a" }),
      a,
    );
    await save(
      syntheticRun({ requests: 80, seed: 2, ttftMeanMs: 10, gapMeanMs: 3, label: "b" }),
      b,
    );
    const run = (...args: string[]) =>
      new Deno.Command(Deno.execPath(), { args: ["run", "-A", BENCH, ...args] }).outputSync();
    const ok = run("--compare", a, b, "--slo", "ttft=80");
    const text = new TextDecoder().decode(ok.stdout);
    assert.equal(ok.code, 0, new TextDecoder().decode(ok.stderr));
    assert.match(text, /^metric +statistic +A +B +B − A/);
    assert.match(text, /^TTFT +mean .* B lower$/m);
    assert.match(text, /^goodput +value /m);
    assert.match(text, new RegExp(`A = ${a} \\(80 requests\\), B = ${b} \\(80 requests\\); 95 %`));
    const missing = run("--compare", a, `${dir}/none.json`);
    assert.equal(missing.code, 1);
    assert.match(new TextDecoder().decode(missing.stderr), /^bench: --compare: .*none\.json/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
