/**
 * Run files: save, load, load a directory (merging shards), and file names.
 * See docs/FILES.md for the formats and the schema version policy.
 *
 * @module
 */

export { save, type SaveOptions } from "./save.ts";
export { load, type LoadOptions } from "./load.ts";
export { loadAll, type LoadAllOptions, mergeShards } from "./load_all.ts";
export { timestampedName } from "./timestamped_name.ts";
export { FileFormatError, type FilePosition, NotARunFileError } from "./errors.ts";
export { type FileFormat, formatOf } from "./file_format.ts";
export { type CsvRow, formatCsvRow, parseCsv } from "./csv.ts";
export { SCHEMA_VERSION } from "./validate.ts";
export { chunkTablePath } from "./columnar_format.ts";
