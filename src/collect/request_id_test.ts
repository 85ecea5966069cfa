import assert from "node:assert/strict";
import { DEFAULT_REQUEST_ID_PREFIX, requestIds } from "./request_id.ts";

Deno.test("requestIds() gives measured and warmup ids with 16 random hex chars and the index", () => {
  const ids = requestIds();
  const random = /^vm-([0-9a-f]{16})-0$/.exec(ids.measured(0))?.[1];
  assert.ok(random, ids.measured(0));
  assert.equal(ids.measured(41), `${DEFAULT_REQUEST_ID_PREFIX}${random}-41`);
  assert.equal(ids.warmup(2), `warmup-vm-${random}-2`);
  assert.equal(requestIds("p-").measured(3).slice(0, 2), "p-");
});

Deno.test("requestIds() never repeats an id across 10,000 collect calls", () => {
  const seen = new Set<string>();
  for (let call = 0; call < 10_000; call++) seen.add(requestIds().measured(0));
  assert.equal(seen.size, 10_000);
});
