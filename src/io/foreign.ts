/**
 * Recognising, by content, result files of other benchmark tools among the files `load` reads:
 * `vllm bench serve` JSON, GuideLLM's benchmarks report (JSON or YAML) and AIPerf's per-request
 * JSONL export. Anything else is left to this tool's own decoders.
 *
 * @module
 */

import type { Run } from "../types.ts";
import type { FileFormat } from "./file_format.ts";
import { parseJson } from "./json_text.ts";
import { isObject } from "./validate.ts";
import { decodeVllmBench, isVllmBenchResult } from "./vllm_bench_format.ts";
import { decodeGuideLlm, isGuideLlmReport } from "./guidellm_format.ts";
import { decodeAiperf, isAiperfRecord } from "./aiperf_format.ts";
import { parseYaml } from "../deps/yaml.ts";
import { NotARunFileError } from "./errors.ts";

/** Our own `.json` layout starts with this; such files are never read whole here. */
const OWN_JSON_PREFIX = '{"schema_version":';

/**
 * The runs in `path` if it is another tool's result file (one, or one per benchmark of a GuideLLM
 * report), else null (this tool's formats, and files no decoder recognises, which the caller's
 * decoder then reports on).
 */
export async function readForeign(path: string, format: FileFormat): Promise<Run[] | null> {
  if (format === "yaml") return await readYaml(path);
  if (format !== "json" && format !== "jsonl") return null;
  const head = await readHead(path, 64 * 1024);
  if (format === "jsonl") return isAiperfHead(head) ? [await decodeAiperf(path)] : null;
  if (head.trimStart().startsWith(OWN_JSON_PREFIX)) return null;
  const bytes = await Deno.readFile(path);
  let value: unknown;
  try {
    value = parseJson(new TextDecoder().decode(bytes), path);
  } catch {
    return null; // the JSON decoder names the bad position
  }
  if (isObject(value) && "schema_version" in value && "meta" in value) return null;
  if (isVllmBenchResult(value)) return [await decodeVllmBench(value, path, bytes)];
  if (isGuideLlmReport(value)) return decodeGuideLlm(value, path, bytes);
  return null;
}

/** A GuideLLM report in YAML (the only YAML run file). */
async function readYaml(path: string): Promise<Run[]> {
  const bytes = await Deno.readFile(path);
  let value: unknown;
  try {
    value = parseYaml(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new NotARunFileError({ file: path }, `invalid YAML: ${(error as Error).message}`);
  }
  if (!isGuideLlmReport(value)) {
    throw new NotARunFileError(
      { file: path },
      "not a GuideLLM benchmarks report (no benchmarks list); YAML is read only for GuideLLM",
    );
  }
  return decodeGuideLlm(value, path, bytes);
}

/** Whether the first line of a JSONL file is an AIPerf per-request record. */
function isAiperfHead(head: string): boolean {
  const line = head.split("\n", 1)[0].trim();
  if (!line.startsWith("{")) return false;
  try {
    return isAiperfRecord(JSON.parse(line));
  } catch {
    return false; // a first line longer than the head, or not JSON: not AIPerf's
  }
}

/** Up to `max` bytes from the start of the file, as text. */
async function readHead(path: string, max: number): Promise<string> {
  const file = await Deno.open(path);
  try {
    const buffer = new Uint8Array(max);
    let filled = 0;
    while (filled < max) {
      const n = await file.read(buffer.subarray(filled));
      if (n === null) break;
      filled += n;
    }
    return new TextDecoder().decode(buffer.subarray(0, filled));
  } finally {
    file.close();
  }
}
