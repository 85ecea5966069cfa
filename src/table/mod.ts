/**
 * Arquero tables from runs: one row per request (`toTable`) or per chunk (`toChunkTable`).
 *
 * @module
 */

export { toTable } from "./to_table.ts";
export { toChunkTable } from "./to_chunk_table.ts";
export { toMetricsTable } from "./to_metrics_table.ts";
export {
  BOOLEAN_FIELDS,
  type FieldKind,
  NUMBER_FIELDS,
  RECORD_FIELDS,
  type RecordField,
  STRING_FIELDS,
} from "./record_fields.ts";
