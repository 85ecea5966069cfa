import assert from "node:assert/strict";
import { createRng } from "../util/rng.ts";
import { chooseFault, FAULT_KINDS, FaultHeaderError, stallMsOf } from "./faults.ts";

Deno.test("chooseFault() takes the header over the rates, case-insensitively", () => {
  for (const kind of FAULT_KINDS) {
    assert.equal(chooseFault(kind.toUpperCase(), { http500Rate: 1 }, createRng(0)), kind);
  }
  assert.throws(() => chooseFault("boom", {}, createRng(0)), FaultHeaderError);
});

Deno.test("chooseFault() draws rates from the RNG and returns null when all are zero", () => {
  assert.equal(chooseFault(null, {}, createRng(0)), null);
  assert.equal(chooseFault(null, { cutRate: 1 }, createRng(0)), "cut");
  const rng = createRng(42);
  const counts = new Map<string, number>();
  for (let i = 0; i < 4000; i++) {
    const f = chooseFault(null, { http500Rate: 0.25, stallRate: 0.25 }, rng) ?? "none";
    counts.set(f, (counts.get(f) ?? 0) + 1);
  }
  assert.deepEqual([...counts.keys()].sort(), ["http500", "none", "stall"]);
  assert.ok(counts.get("none")! > counts.get("http500")!, "half the requests stay fault-free");
});

Deno.test("stallMsOf() reads x-sim-stall-ms or falls back", () => {
  assert.equal(stallMsOf(null, 10), 10);
  assert.equal(stallMsOf("250", 10), 250);
  assert.throws(() => stallMsOf("-1", 10), /x-sim-stall-ms/);
});
