/**
 * The `meta` of a run as collect starts it: who measured what, where and how. The run's end is
 * filled in when it finishes.
 *
 * @module
 */

import type { RunMeta } from "../types.ts";
import { datasetInfoOf } from "../datasets/describe.ts";
import { nowMs } from "../util/clock.ts";
import type { CollectOptions } from "./options.ts";
import { type CollectSettings, loadSpecOf } from "./settings.ts";

/** Name and version written to `meta.client`. */
export const CLIENT_TOOL = { tool: "vllm-metrics", version: "0.1.0" } as const;

/**
 * The meta of a run about to start: no end yet (`ended_ms` 0 until it finishes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newRunMeta } from "./run_meta.ts";
 * import { resolveSettings } from "./settings.ts";
 * const options = { url: "http://127.0.0.1:8000", requests: [], label: "baseline" };
 * const meta = newRunMeta(options, resolveSettings(options), "tiny", {});
 * assert.equal(meta.label, "baseline");
 * assert.equal(meta.model, "tiny");
 * assert.equal(meta.client.tool, "vllm-metrics");
 * assert.equal(meta.interrupted, false);
 * ```
 */
export function newRunMeta(
  options: CollectOptions,
  settings: CollectSettings,
  model: string,
  metadata: Record<string, string>,
): RunMeta {
  const meta: RunMeta = {
    schema_version: 1,
    run_id: settings.runId,
    label: options.label ?? settings.runId,
    created_at: new Date().toISOString(),
    url: settings.address.base,
    endpoint: settings.endpoint,
    model,
    load: loadSpecOf(options, settings),
    started_ms: nowMs(),
    ended_ms: 0,
    duration_ms: 0,
    interrupted: false,
    client: { ...CLIENT_TOOL, runtime: `deno ${Deno.version.deno}`, hostname: hostname() },
    trace_source: null,
    prometheus: null,
    extra: { ...(options.extra ?? {}) },
    metadata,
  };
  const dataset = datasetInfoOf(options.requests);
  if (dataset !== null) meta.dataset = dataset;
  return meta;
}

function hostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown";
  }
}
