// The one place the Parquet reader and writer are pinned; code imports them from here.
// hyparquet-writer 0.17.0 depends on hyparquet 1.31.5 exactly, so the reader is pinned to that
// same version (one copy of the shared code).
export { parquetMetadata, parquetReadObjects, parquetSchema } from "npm:hyparquet@1.31.5";
export { parquetWriteBuffer } from "npm:hyparquet-writer@0.17.0";
