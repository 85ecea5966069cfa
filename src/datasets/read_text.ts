/**
 * Reading a dataset file with an error that names the file.
 *
 * @module
 */

/** The file's text; a missing or unreadable file throws an Error naming the path and cause. */
export function readDatasetText(path: string, datasetName: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound
      ? "file not found"
      : error instanceof Error
      ? error.message
      : String(error);
    throw new Error(`${datasetName} dataset ${path}: cannot read: ${reason}`);
  }
}
