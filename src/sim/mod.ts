/**
 * The vLLM simulator: {@link startSimulator} and its types.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startSimulator } from "./mod.ts";
 * const sim = await startSimulator({ recordGroundTruth: true });
 * try {
 *   const response = await fetch(`${sim.url}/v1/models`);
 *   assert.equal((await response.json()).data[0].id, "sim-llama-3-8b");
 * } finally {
 *   await sim.close();
 * }
 * ```
 *
 * @module
 */
export { startSimulator } from "./server.ts";
export type {
  FaultOptions,
  GroundTruthEntry,
  Simulator,
  SimulatorOptions,
  SpanExportStats,
} from "./options.ts";
export { FAULT_KINDS, type FaultKind } from "./faults.ts";
