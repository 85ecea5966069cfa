/**
 * The vLLM simulator: {@link startSimulator} and its types.
 *
 * @example
 * ```ts
 * import { startSimulator } from "./mod.ts";
 * const sim = await startSimulator({ recordGroundTruth: true });
 * console.log(sim.url);
 * await sim.close();
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
