/**
 * Prometheus text exposition format (what vLLM's `/metrics` serves): scrape, parse, and the
 * delta between two scrapes taken around a run.
 *
 * Series keys are canonical: `name` or `name{a="x",b="y"}` with labels sorted by name and
 * values escaped as in the format (`\\`, `\"`, `\n`), so the same series always has the same
 * key whatever order the server printed its labels in.
 *
 * @module
 */
import type { PrometheusSnapshot } from "../types.ts";
import { nowMs } from "../util/clock.ts";
import { optionMessage, positive } from "../util/options.ts";
import { getText } from "./http.ts";

/** A line {@link parsePrometheusText} could not read. */
export interface SkippedLine {
  /** 1-based line number. */
  line_number: number;
  reason: string;
}

/** What {@link parsePrometheusText} read. */
export interface ParsedExposition {
  /** Series key → value (NaN and ±Infinity kept as numbers). */
  values: Record<string, number>;
  /** Metric family → type, from `# TYPE` lines. */
  types: Record<string, string>;
  /** Lines that were not comments, blank or samples. */
  skipped: SkippedLine[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const SUFFIXES = ["_total", "_sum", "_count", "_bucket", "_created", "_info", "_gsum", "_gcount"];

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** Builds the canonical key of a series. */
export function seriesKey(name: string, labels: Record<string, string>): string {
  const names = Object.keys(labels).sort();
  if (names.length === 0) return name;
  return `${name}{${names.map((n) => `${n}="${escapeLabelValue(labels[n])}"`).join(",")}}`;
}

/** Parses a sample value: decimal, exponent, `NaN`, `+Inf`, `-Inf`, `Inf`. */
export function parseSampleValue(text: string): number | null {
  switch (text) {
    case "NaN":
      return NaN;
    case "+Inf":
    case "Inf":
      return Infinity;
    case "-Inf":
      return -Infinity;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return null;
  return Number(text);
}

/** Reads a quoted string at `text[i] === '"'`; returns the value and the index after the quote. */
function readQuoted(text: string, i: number): [string, number] | string {
  let out = "";
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === "\\") {
      const next = text[++j];
      if (next === "n") out += "\n";
      else if (next === "\\" || next === '"') out += next;
      else if (next === undefined) return "unterminated escape";
      else out += `\\${next}`;
    } else if (c === '"') {
      return [out, j + 1];
    } else out += c;
  }
  return "unterminated label value";
}

/** Parses `{a="b",...}` starting at `text[i] === "{"`; a leading quoted string is the name. */
function readLabels(
  text: string,
  start: number,
): { labels: Record<string, string>; name: string | null; end: number } | string {
  const labels: Record<string, string> = {};
  let name: string | null = null;
  let i = start + 1;
  const skipSpaces = () => {
    while (text[i] === " " || text[i] === "\t") i++;
  };
  for (;;) {
    skipSpaces();
    if (text[i] === "}") return { labels, name, end: i + 1 };
    let label: string;
    if (text[i] === '"') {
      const quoted = readQuoted(text, i);
      if (typeof quoted === "string") return quoted;
      [label, i] = quoted;
      skipSpaces();
      if (text[i] !== "=") { // a quoted metric name (UTF-8 names, Prometheus 3)
        if (name !== null) return "two metric names in braces";
        name = label;
        if (text[i] === ",") i++;
        continue;
      }
    } else {
      const match = LABEL_NAME.exec(text.slice(i));
      if (!match) return `bad label name at column ${i + 1}`;
      label = match[0];
      i += label.length;
      skipSpaces();
    }
    if (text[i] !== "=") return `expected = after label ${label}`;
    i++;
    skipSpaces();
    if (text[i] !== '"') return `expected a quoted value for label ${label}`;
    const value = readQuoted(text, i);
    if (typeof value === "string") return `${value} (label ${label})`;
    labels[label] = value[0];
    i = value[1];
    skipSpaces();
    if (text[i] === ",") i++;
    else if (text[i] !== "}") return `expected , or } after label ${label}`;
  }
}

function parseSample(line: string): { key: string; value: number } | string {
  let name = "";
  let i = 0;
  let labels: Record<string, string> = {};
  if (line[0] !== "{") {
    const match = NAME.exec(line);
    if (!match) return "no metric name";
    name = match[0];
    i = name.length;
    while (line[i] === " " || line[i] === "\t") i++;
  }
  if (line[i] === "{") {
    const parsed = readLabels(line, i);
    if (typeof parsed === "string") return parsed;
    if (parsed.name !== null) {
      if (name !== "") return "metric name both before and inside braces";
      name = parsed.name;
    }
    labels = parsed.labels;
    i = parsed.end;
  }
  if (name === "") return "no metric name";
  const rest = line.slice(i).trim().split(/\s+/);
  if (rest.length < 1 || rest[0] === "") return `no value for ${name}`;
  if (rest.length > 2 && rest[2] !== "#") return `unexpected text after the value of ${name}`;
  const value = parseSampleValue(rest[0]);
  if (value === null) return `bad value ${JSON.stringify(rest[0])} for ${name}`;
  return { key: seriesKey(name, labels), value };
}

/**
 * Parses Prometheus text exposition (format 0.0.4, and the OpenMetrics subset vLLM serves):
 * `# HELP`/`# TYPE` comments, labels with escaped quotes, backslashes and newlines,
 * `NaN`/`+Inf`/`-Inf`, optional timestamps. Unreadable lines are listed in `skipped`, not thrown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePrometheusText } from "./prometheus.ts";
 * const { values, types } = parsePrometheusText(
 *   "# TYPE vllm:prompt_tokens_total counter\n" +
 *     'vllm:prompt_tokens_total{model_name="m",engine="0"} 14\n',
 * );
 * assert.equal(values['vllm:prompt_tokens_total{engine="0",model_name="m"}'], 14); // labels sorted
 * assert.deepEqual(types, { "vllm:prompt_tokens_total": "counter" });
 * ```
 */
export function parsePrometheusText(text: string): ParsedExposition {
  if (typeof text !== "string") {
    throw new TypeError(`parsePrometheusText: text must be a string, got ${typeof text}`);
  }
  const values: Record<string, number> = {};
  const types: Record<string, string> = {};
  const skipped: SkippedLine[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "") return;
    if (line.startsWith("#")) {
      const type = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (type) types[type[1].replace(/^"|"$/g, "")] = type[2].toLowerCase();
      return;
    }
    const sample = parseSample(line);
    if (typeof sample === "string") skipped.push({ line_number: index + 1, reason: sample });
    else values[sample.key] = sample.value;
  });
  return { values, types, skipped };
}

/** Options of {@link scrapePrometheus}. */
export interface ScrapeOptions {
  /** Give up after this many ms. Default 10000. */
  timeoutMs?: number;
  /** Aborts the scrape, which then rejects. */
  signal?: AbortSignal;
}

/**
 * Scrapes `<url>/metrics` (or `url` itself when it already ends in `/metrics`) and parses it.
 * Throws an Error naming the URL when the server cannot be reached, answers HTTP ≥ 400, or
 * sends something that holds no sample at all.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { prometheusDelta, scrapePrometheus } from "./prometheus.ts";
 * import { collect } from "../collect/collect.ts";
 * import { startSimulator } from "../sim/mod.ts";
 * const sim = await startSimulator(); // or the URL of your vLLM server
 * try {
 *   const before = await scrapePrometheus(sim.url);
 *   await collect({ url: sim.url, requests: [{ prompt: "Hi", max_tokens: 4 }] });
 *   const after = await scrapePrometheus(sim.url);
 *   const delta = prometheusDelta(before, after);
 *   const labels = '{engine="0",model_name="sim-llama-3-8b"}';
 *   assert.equal(delta[`vllm:generation_tokens_total${labels}`], 4);
 *   assert.equal(delta[`vllm:e2e_request_latency_seconds_count${labels}`], 1);
 * } finally {
 *   await sim.close();
 * }
 * ```
 */
export async function scrapePrometheus(
  url: string,
  options: ScrapeOptions = {},
): Promise<PrometheusSnapshot> {
  if (typeof url !== "string" || !/^https?:\/\/[^/]/i.test(url)) {
    throw new TypeError(optionMessage("scrapePrometheus", "url", "an http(s) URL", url));
  }
  const timeoutMs = positive("scrapePrometheus", "timeoutMs", options.timeoutMs ?? 10_000);
  const base = url.replace(/\/+$/, "");
  const target = /\/metrics$/.test(base) ? base : `${base}/metrics`;
  const at_ms = nowMs();
  let text: string;
  try {
    ({ text } = await getText(target, {
      label: "prometheus",
      timeoutMs,
      signal: options.signal,
      accept: "text/plain;version=0.0.4",
    }));
  } catch (error) {
    throw new Error(`scrapePrometheus: ${(error as Error).message}`);
  }
  const parsed = parsePrometheusText(text);
  if (Object.keys(parsed.values).length === 0 && parsed.skipped.length > 0) {
    const first = parsed.skipped[0];
    throw new Error(
      `scrapePrometheus: ${target} is not Prometheus text (line ${first.line_number}: ${first.reason})`,
    );
  }
  return { at_ms, values: parsed.values, types: parsed.types };
}

function familyType(name: string, types: Record<string, string>): string | undefined {
  if (types[name]) return types[name];
  for (const suffix of SUFFIXES) {
    if (name.endsWith(suffix)) {
      const family = types[name.slice(0, -suffix.length)];
      if (family) return family;
    }
  }
  return undefined;
}

/** Whether a series accumulates (so a before/after difference means "during the run"). */
function isCumulative(name: string, types: Record<string, string>): boolean {
  if (name.endsWith("_created")) return false; // creation timestamps, not counts
  const type = familyType(name, types);
  if (type === "counter") return true;
  if (type === "histogram" || type === "summary" || type === "gaugehistogram") {
    return /_(sum|count|bucket)$/.test(name) && type !== "gaugehistogram";
  }
  if (type !== undefined && type !== "untyped" && type !== "unknown") return false;
  return /_(total|sum|count|bucket)$/.test(name);
}

/**
 * What happened between two scrapes: `after − before` for every counter and every histogram
 * (or summary) `_sum`, `_count` and `_bucket` series. Gauges, summary quantiles and `_created`
 * timestamps are left out. Types come from the snapshots' `# TYPE` lines, else from the name
 * suffix (`_total`, `_sum`, `_count`, `_bucket`). A series absent before counts from 0 (the
 * server creates labelled series on first use); a series that went down was reset (server
 * restart), so its delta is its value after. NaN values are left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { prometheusDelta } from "./prometheus.ts";
 * const delta = prometheusDelta(
 *   { at_ms: 0, values: { "vllm:prompt_tokens_total": 100, "vllm:num_requests_running": 3 } },
 *   { at_ms: 1, values: { "vllm:prompt_tokens_total": 140, "vllm:num_requests_running": 0 } },
 * );
 * assert.deepEqual(delta, { "vllm:prompt_tokens_total": 40 }); // counters only, not gauges
 * ```
 */
export function prometheusDelta(
  before: PrometheusSnapshot,
  after: PrometheusSnapshot,
): Record<string, number> {
  for (const [name, snap] of [["before", before], ["after", after]] as const) {
    if (!snap || typeof snap !== "object" || !snap.values || typeof snap.values !== "object") {
      throw new TypeError(`prometheusDelta: ${name} must be a PrometheusSnapshot with values`);
    }
  }
  const types = { ...(before.types ?? {}), ...(after.types ?? {}) };
  const delta: Record<string, number> = {};
  for (const [key, value] of Object.entries(after.values)) {
    const name = key.split("{", 1)[0];
    if (!isCumulative(name, types) || Number.isNaN(value)) continue;
    const previous = before.values[key] ?? 0;
    if (Number.isNaN(previous)) continue;
    delta[key] = value >= previous ? value - previous : value;
  }
  return delta;
}
