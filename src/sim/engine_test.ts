import assert from "node:assert/strict";
import { Engine, type EngineClock, type EngineConfig, type SequenceOutput } from "./engine.ts";

/** A manual clock: timers fire only inside advance(). */
class FakeClock implements EngineClock {
  t = 0;
  #timers: { at: number; fn: () => void; id: number }[] = [];
  #nextId = 1;
  now(): number {
    return this.t;
  }
  setTimer(fn: () => void, delayMs: number): unknown {
    const id = this.#nextId++;
    this.#timers.push({ at: this.t + delayMs, fn, id });
    return id;
  }
  clearTimer(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }
  get pending(): number {
    return this.#timers.length;
  }
  /** Runs every timer due up to now + ms, in time order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.#timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.#timers[0];
      if (!next || next.at > end) break;
      this.#timers.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }
}

const config: EngineConfig = {
  maxNumSeqs: 2,
  prefillBaseMs: 4,
  prefillMsPerToken: 0.5,
  decodeStepMs: 10,
  decodeStepMsPerSeq: 1,
  streamInterval: 1,
};

function setup(overrides: Partial<EngineConfig> = {}) {
  const clock = new FakeClock();
  const outputs: SequenceOutput[] = [];
  const engine = new Engine({ ...config, ...overrides }, clock, (o) => outputs.push(...o));
  return { clock, outputs, engine };
}

Deno.test("Engine: a lone sequence gets prefill + decode steps of the configured length", () => {
  const { clock, outputs, engine } = setup();
  engine.add({ id: "a", prompt_tokens: 8, output_tokens: 3 });
  clock.advance(1000);
  assert.equal(outputs.length, 3);
  assert.deepEqual(outputs.map((o) => o.total_tokens), [1, 2, 3]);
  assert.deepEqual(outputs.map((o) => o.finished), [false, false, true]);
  const times = outputs[2].times;
  assert.equal(times.queued_ms, 0);
  assert.equal(times.scheduled_ms, 0);
  // prefill step: 10 + 1·1 + (4 + 8·0.5) = 19; decode steps: 10 + 1 = 11 each.
  assert.equal(times.first_token_ms, 19);
  assert.equal(times.last_token_ms, 19 + 11 + 11);
  assert.equal(engine.running, 0);
  assert.equal(clock.pending, 0, "an idle engine leaves no timer");
});

Deno.test("Engine: sequences beyond maxNumSeqs wait and are scheduled FIFO", () => {
  const { clock, outputs, engine } = setup();
  for (const id of ["a", "b", "c", "d"]) engine.add({ id, prompt_tokens: 2, output_tokens: 2 });
  // "a" started a step at once; b, c, d wait for the next step.
  assert.equal(engine.running, 1);
  assert.equal(engine.waiting, 3);
  clock.advance(15); // first step ends at 10+1+5 = 16: not yet
  assert.equal(outputs.length, 0);
  clock.advance(1); // step 1 ends; step 2 schedules b (1 free slot)
  assert.equal(engine.running, 2);
  assert.equal(engine.waiting, 2);
  clock.advance(10_000);
  const finishedOrder = outputs.filter((o) => o.finished).map((o) => o.id);
  assert.deepEqual(finishedOrder, ["a", "b", "c", "d"]);
  const scheduled = ["a", "b", "c", "d"].map((id) =>
    outputs.find((o) => o.id === id && o.finished)!.times.scheduled_ms!
  );
  for (let i = 1; i < scheduled.length; i++) assert.ok(scheduled[i] >= scheduled[i - 1]);
  const queue = ["a", "b", "c", "d"].map((id) => {
    const t = outputs.find((o) => o.id === id && o.finished)!.times;
    return t.scheduled_ms! - t.queued_ms;
  });
  assert.equal(queue[0], 0);
  assert.ok(queue[3] > queue[1], "later requests queue longer");
});

Deno.test("Engine: every running sequence gets one token per step", () => {
  const { clock, outputs, engine } = setup({
    maxNumSeqs: 4,
    prefillBaseMs: 0,
    prefillMsPerToken: 0,
  });
  engine.add({ id: "a", prompt_tokens: 1, output_tokens: 5 });
  clock.advance(0);
  engine.add({ id: "b", prompt_tokens: 1, output_tokens: 5 });
  clock.advance(1000);
  const a = outputs.filter((o) => o.id === "a").map((o) => o.times.last_token_ms);
  const b = outputs.filter((o) => o.id === "b").map((o) => o.times.last_token_ms);
  // b joins at a's second step; from then on both advance in the same steps.
  assert.deepEqual(b.slice(0, 4), a.slice(1, 5));
  assert.equal(engine.steps, 6);
});

Deno.test("Engine: step time grows with the running batch", () => {
  const one = setup({ maxNumSeqs: 8 });
  one.engine.add({ id: "x", prompt_tokens: 0, output_tokens: 4 });
  one.clock.advance(1000);
  const many = setup({ maxNumSeqs: 8 });
  for (let i = 0; i < 8; i++) many.engine.add({ id: `s${i}`, prompt_tokens: 0, output_tokens: 4 });
  many.clock.advance(1000);
  const decodeOf = (outs: SequenceOutput[], id: string) => {
    const t = outs.find((o) => o.id === id && o.finished)!.times;
    return t.last_token_ms! - t.first_token_ms!;
  };
  assert.equal(decodeOf(one.outputs, "x"), 3 * (10 + 1));
  // s1..s7 were scheduled together at the second step and ran 8 wide with s0, which started a
  // step earlier and so leaves a step earlier: the last step is 7 wide.
  assert.equal(decodeOf(many.outputs, "s7"), 2 * (10 + 8) + (10 + 7));
});

Deno.test("Engine: streamInterval groups tokens but sends the first and the last at once", () => {
  const { clock, outputs, engine } = setup({ streamInterval: 3 });
  engine.add({ id: "a", prompt_tokens: 1, output_tokens: 8 });
  clock.advance(10_000);
  assert.deepEqual(outputs.map((o) => o.new_tokens), [1, 3, 3, 1]);
  assert.deepEqual(outputs.map((o) => o.total_tokens), [1, 4, 7, 8]);
  assert.equal(outputs.at(-1)!.finished, true);
});

Deno.test("Engine: abort removes waiting and running sequences without further outputs", () => {
  const { clock, outputs, engine } = setup({ maxNumSeqs: 1 });
  engine.add({ id: "a", prompt_tokens: 1, output_tokens: 5 });
  engine.add({ id: "b", prompt_tokens: 1, output_tokens: 5 });
  assert.equal(engine.abort("b"), true);
  clock.advance(30);
  assert.equal(engine.abort("a"), true);
  assert.equal(engine.abort("a"), false);
  const before = outputs.length;
  clock.advance(10_000);
  assert.equal(outputs.length, before);
  assert.ok(outputs.every((o) => o.id === "a"));
  assert.equal(engine.running + engine.waiting, 0);
});

Deno.test("Engine: add rejects duplicate ids and empty outputs; close clears timers", () => {
  const { clock, engine } = setup();
  engine.add({ id: "a", prompt_tokens: 1, output_tokens: 2 });
  assert.throws(() => engine.add({ id: "a", prompt_tokens: 1, output_tokens: 2 }), /already/);
  assert.throws(() => engine.add({ id: "z", prompt_tokens: 1, output_tokens: 0 }), /output_tokens/);
  engine.close();
  assert.equal(clock.pending, 0);
  assert.throws(() => engine.add({ id: "b", prompt_tokens: 1, output_tokens: 1 }), /closed/);
});

Deno.test("Engine: a full KV cache preempts the latest scheduled sequence, which finishes later", () => {
  // 3 blocks of 16 tokens. a (15-token prompt) runs alone in step 1; b joins in step 2; at step 3
  // each needs a second block (17 tokens): 4 > 3, so b, scheduled last, is preempted.
  const { clock, outputs, engine } = setup({ kvCacheBlocks: 3 });
  engine.add({ id: "a", prompt_tokens: 15, output_tokens: 20 });
  engine.add({ id: "b", prompt_tokens: 15, output_tokens: 20 });
  clock.advance(30); // step 1 ends at 22.5, step 2 (a and b) runs to 46
  assert.equal(engine.running, 2);
  assert.equal(engine.kvCacheUsage, 2 / 3);
  clock.advance(20); // step 3 starts at 46
  assert.equal(engine.preemptions, 1);
  assert.equal(engine.waiting, 1);
  assert.equal(engine.running, 1);
  clock.advance(5000);
  const finished = outputs.filter((o) => o.finished).map((o) => [o.id, o.total_tokens]);
  assert.deepEqual(finished, [["a", 20], ["b", 20]]); // nothing lost
  assert.equal(engine.kvCacheUsage, 0);
  // b's queue time ended at its first scheduling, not after the preemption (as vLLM)
  const b = outputs.find((o) => o.id === "b" && o.finished)!;
  assert.equal(b.times.scheduled_ms, 22.5);
});

Deno.test("Engine: without kvCacheBlocks the cache is unlimited and nothing is preempted", () => {
  const { clock, engine } = setup();
  for (const id of ["a", "b"]) engine.add({ id, prompt_tokens: 5000, output_tokens: 3 });
  clock.advance(10_000);
  assert.equal(engine.preemptions, 0);
  assert.equal(engine.kvCacheUsage, 0);
});
