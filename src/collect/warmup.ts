/**
 * Warmup: requests sent before the measured run and kept out of its results.
 *
 * @module
 */

import type { RequestSpec } from "../types.ts";
import { nowMs } from "../util/clock.ts";
import { type BodySettings, prepareBody } from "./body.ts";
import type { RequestIds } from "./request_id.ts";
import { type RequestContext, sendRequest } from "./request.ts";
import { Semaphore } from "./schedule.ts";

/** What a warmup sends, and how many at once. */
export interface WarmupPlan {
  /** Times the spec is sent. */
  count: number;
  /** The spec sent every time (the run's first). */
  spec: RequestSpec;
  /** Max in flight; undefined = all at once. */
  concurrency: number | undefined;
  ids: RequestIds;
  bodySettings: BodySettings;
  /** Any of them fired → no more warmups are sent. */
  stopSignals: readonly (AbortSignal | undefined)[];
}

/**
 * Sends the warmup requests and waits for all of them; their records are dropped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Agent } from "../deps/undici.ts";
 * import { runWarmup } from "./warmup.ts";
 * import type { RequestContext } from "./request.ts";
 * import { requestIds } from "./request_id.ts";
 * import { startSimulator } from "../sim/mod.ts";
 * const sim = await startSimulator();
 * const dispatcher = new Agent();
 * try {
 *   const bodySettings = { endpoint: "chat" as const, model: "sim", stream: true, continuousUsage: false, params: {} };
 *   const ctx: RequestContext = {
 *     dispatcher, origin: sim.url, path: "/v1/chat/completions", endpoint: "chat" as const, model: "sim",
 *     stream: true, runId: "r", headers: {}, maxResponseBytes: 1 << 20, maxEventChars: 1 << 20,
 *     timeoutMs: 10_000, idleTimeoutMs: 10_000, sampled: true, secrets: [], active: new Set(),
 *   };
 *   const spec = { prompt: "hi", max_tokens: 2 };
 *   await runWarmup({ count: 3, spec, concurrency: 2, ids: requestIds(), bodySettings, stopSignals: [] }, ctx);
 *   assert.equal(ctx.active.size, 0); // all three finished
 * } finally {
 *   await dispatcher.close();
 *   await sim.close();
 * }
 * ```
 */
export async function runWarmup(plan: WarmupPlan, ctx: RequestContext): Promise<void> {
  const slots = new Semaphore(plan.concurrency ?? plan.count);
  const body = prepareBody(plan.spec, plan.bodySettings);
  const warmups: Promise<unknown>[] = [];
  for (let i = 0; i < plan.count; i++) {
    if (plan.stopSignals.some((s) => s?.aborted)) break;
    await slots.acquire();
    const job = {
      index: i,
      requestId: plan.ids.warmup(i),
      spec: plan.spec,
      body,
      scheduledMs: nowMs(),
    };
    warmups.push(sendRequest(job, ctx).finally(() => slots.release()));
  }
  await Promise.all(warmups);
}
