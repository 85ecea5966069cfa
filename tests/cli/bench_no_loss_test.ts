/**
 * `deno task bench` as a user runs it (a child process): no run is ever lost, merged or leaked.
 * Each test reproduces one defect of issue 13.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { load } from "../../src/io/load.ts";
import { loadAll } from "../../src/io/load_all.ts";
import { startSimulator } from "../../src/sim/mod.ts";
import { filesIn, requestLines, runBench, spawnBench, waitFor } from "./_bench_helpers.ts";

const SMALL = ["--input-tokens", "16", "--output-tokens", "8"];
const SLOW_RUN = ["--simulate", "--concurrency", "2", "--requests", "400", ...SMALL];

function jsonlIn(dir: string): string | undefined {
  const name = filesIn(dir).find((f) => f.endsWith(".jsonl"));
  return name && join(dir, name);
}

async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "bench_no_loss_" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("bench stopped by SIGTERM (docker stop, timeout) saves what finished, like Ctrl-C, exit 130", async () => {
  await withTempDir(async (out) => {
    const { child, done } = spawnBench([...SLOW_RUN, "--out", out], out);
    await waitFor(() => requestLines(jsonlIn(out) ?? "").length >= 3, "3 finished requests");
    child.kill("SIGTERM");
    const { code, stdout, stderr } = await done;
    assert.equal(code, 130, `${stdout}\n${stderr}`);
    assert.match(stderr, /SIGTERM: no new requests/);
    const runFile = filesIn(out).find((f) => f.endsWith(".json"));
    assert.ok(runFile, "the run is saved");
    const run = await load(join(out, runFile));
    assert.equal(run.meta.interrupted, true);
    assert.ok(run.requests.length >= 3 && run.requests.length < 400);
  });
});

Deno.test("a run salvaged after kill -9 says it was interrupted and how long it ran", async () => {
  await withTempDir(async (out) => {
    const { child, done } = spawnBench([...SLOW_RUN, "--out", out], out);
    await waitFor(() => requestLines(jsonlIn(out) ?? "").length >= 4, "4 finished requests");
    child.kill("SIGKILL");
    await done;
    const run = await load(jsonlIn(out)!, { salvage: true });
    assert.equal(run.meta.interrupted, true);
    assert.ok(run.meta.duration_ms > 0, `duration_ms ${run.meta.duration_ms}`);
    assert.equal(run.meta.ended_ms - run.meta.started_ms, run.meta.duration_ms);
    const lastEnd = Math.max(...run.requests.map((r) => r.start_ms + (r.e2e_ms ?? 0)));
    assert.equal(run.meta.ended_ms, lastEnd);
  });
});

Deno.test("two benches started together with one label and one --out both keep their run", async () => {
  await withTempDir(async (out) => {
    for (const extra of [[], ["--run-id", "same-id"]]) {
      const dir = join(out, extra.length === 0 ? "default-ids" : "same-id");
      const args = ["--simulate", "--requests", "3", ...SMALL, "--out", dir, ...extra];
      const [a, b] = await Promise.all([runBench(args), runBench(args)]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      const names = filesIn(dir);
      assert.equal(names.filter((n) => n.endsWith(".json")).length, 2, names.join(" "));
      assert.equal(names.filter((n) => n.endsWith(".csv")).length, 2, names.join(" "));
      assert.ok(!names.some((n) => n.endsWith(".jsonl")), "each removed its own log only");
      const warnings: string[] = [];
      const runs = await loadAll(dir, { onWarning: (w) => warnings.push(w) });
      assert.equal(runs.length, 2, "both runs load");
      assert.deepEqual(runs.map((r) => r.requests.length), [3, 3]);
      if (extra.length > 0) assert.equal(warnings.length, 1, "the shared run id is reported");
    }
  });
});

Deno.test("bench whose JSONL log cannot be written still saves the whole run and exits 4", async () => {
  await withTempDir(async (out) => {
    const { code, stderr } = await runBench([
      "--simulate",
      "--requests",
      "6",
      ...SMALL,
      "--out",
      out,
      "--jsonl",
      "/dev/full",
    ]);
    assert.equal(code, 4, stderr);
    assert.match(stderr, /warning: the JSONL log \/dev\/full is incomplete/);
    const json = filesIn(out).find((f) => f.endsWith(".json"))!;
    const run = await load(join(out, json));
    assert.equal(run.requests.length, 6, "no finished request is lost");
    assert.equal(run.meta.warnings?.length, 1, "the saved run says its log is incomplete");
    assert.ok(filesIn(out).some((f) => f.endsWith(".csv")));
  });
});

Deno.test("bench refuses a --jsonl file that already holds a run, before sending anything (exit 2)", async () => {
  await withTempDir(async (out) => {
    const jsonl = join(out, "log.jsonl");
    const first = await runBench([
      "--simulate",
      "--requests",
      "2",
      ...SMALL,
      "--out",
      out,
      "--jsonl",
      jsonl,
    ]);
    assert.equal(first.code, 0, first.stderr);
    const before = await Deno.readTextFile(jsonl);
    const second = await runBench([
      "--simulate",
      "--requests",
      "2",
      ...SMALL,
      "--out",
      out,
      "--jsonl",
      jsonl,
    ]);
    assert.equal(second.code, 2);
    assert.match(second.stderr, /--jsonl: .*log\.jsonl already holds/);
    assert.equal(second.stdout, "", "nothing started");
    assert.equal(await Deno.readTextFile(jsonl), before, "the first run's log is untouched");
  });
});

Deno.test("credentials in --url and --traces are used but never printed or saved", async () => {
  const sim = await startSimulator({ log: false, seed: 1 });
  let jaegerAuth: string | null = null;
  const jaeger = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    jaegerAuth = request.headers.get("authorization");
    return new Response(
      JSON.stringify({ data: [], errors: [{ code: 404, msg: "trace not found" }] }),
      {
        status: 404,
      },
    );
  });
  try {
    await withTempDir(async (out) => {
      const serverUrl = sim.url.replace("http://", "http://alice:PW-server-9@");
      const tracesUrl = `http://bob:PW-traces-7@127.0.0.1:${jaeger.addr.port}`;
      const { code, stdout, stderr } = await runBench([
        "--url",
        serverUrl,
        "--traces",
        `jaeger=${tracesUrl}`,
        "--trace-wait",
        "1",
        "--requests",
        "2",
        ...SMALL,
        "--out",
        out,
      ]);
      // no span came back: the run is saved with that warning (exit 4)
      assert.equal(code, 4, stderr);
      assert.match(stderr, /warning: No server span arrived for any of the 2 requests/);
      assert.ok(jaegerAuth?.startsWith("Basic "), "the credentials were used for the lookups");
      const texts = [stdout, stderr];
      for (const name of filesIn(out)) texts.push(await Deno.readTextFile(join(out, name)));
      for (const name of filesIn(join(out, "reports"))) {
        texts.push(await Deno.readTextFile(join(out, "reports", name)));
      }
      for (const text of texts) {
        assert.ok(!text.includes("PW-server-9"), "the server password leaked");
        assert.ok(!text.includes("PW-traces-7"), "the trace back end password leaked");
      }
      const run = await load(join(out, filesIn(out).find((f) => f.endsWith(".json"))!));
      assert.equal(run.requests.length, 2);
      assert.equal((run.meta.extra.tool_args as { url: string }).url, sim.url);
    });
  } finally {
    await jaeger.shutdown();
    await sim.close();
  }
});

Deno.test("bench --otlp-token makes the embedded receiver refuse exports without it, and never saves the token", async () => {
  await withTempDir(async (out) => {
    const token = "tok-XYZ-123";
    const { code, stdout, stderr } = await runBench([
      "--simulate", // its exporter sends no token
      "--otlp-token",
      token,
      "--trace-wait",
      "1",
      "--requests",
      "2",
      ...SMALL,
      "--out",
      out,
    ]);
    // the receiver refused every export: the run is saved with the no-span warning (exit 4)
    assert.equal(code, 4, stderr);
    assert.match(stderr, /warning: No server span arrived for any of the 2 requests/);
    assert.match(stdout, /server spans joined: 0 of 2 requests/);
    assert.ok(!stderr.includes("without a token"), "no warning on loopback");
    const json = filesIn(out).find((f) => f.endsWith(".json"))!;
    const text = await Deno.readTextFile(join(out, json));
    assert.ok(!text.includes(token), "the token is not saved");
    const run = await load(join(out, json));
    assert.equal((run.meta.extra.tool_args as { otlpToken: string }).otlpToken, "[redacted]");
  });
});
