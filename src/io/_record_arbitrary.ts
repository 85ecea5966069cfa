/**
 * fast-check generators of complete, valid runs for the loaders' property tests: every field,
 * nulls, unicode, and the characters CSV and JSON must escape (commas, quotes, CR/LF).
 *
 * @module
 */

import fc from "../deps/fast_check.ts";
import type { RequestRecord, Run, ServerMetricsSeries } from "../types.ts";
import { makeRecord, makeRun } from "../table/_fixtures.ts";

const TRICKY = [
  ",",
  '"',
  "\n",
  "\r",
  "\r\n",
  "#",
  " ",
  "é",
  "😀",
  "<script>",
  "\\",
  "\u2028",
  "",
  "null",
];

/** Well-formed strings mixing ordinary text with characters files must escape. */
export const textArb: fc.Arbitrary<string> = fc.array(
  fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: "grapheme", maxLength: 4 })),
  { maxLength: 6 },
).map((parts) => parts.join(""));

/** Finite doubles as JSON keeps them (−0 written as 0). */
export const numberArb: fc.Arbitrary<number> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -1e6, max: 1e12 }),
).map((x) => (Object.is(x, -0) ? 0 : x));

const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const numbers = fc.array(numberArb, { maxLength: 8 });
const jsonObject = fc.dictionary(textArb, fc.jsonValue({ maxDepth: 2 }).map(fixNegativeZero), {
  maxKeys: 4,
});

/** Any record: every field of RequestRecord with arbitrary values of its type. */
export const recordArb: fc.Arbitrary<RequestRecord> = fc.record({
  request_id: textArb,
  trace_id: textArb,
  sampled: fc.boolean(),
  response_id: nullable(textArb),
  endpoint: fc.constantFrom("chat" as const, "completions" as const),
  model: textArb,
  stream: fc.boolean(),
  tag: nullable(textArb),
  params: jsonObject,
  start_ms: numberArb,
  ttft_ms: nullable(numberArb),
  e2e_ms: nullable(numberArb),
  tpot_ms: nullable(numberArb),
  itl_ms: numbers,
  chunk_times_ms: numbers,
  chunk_tokens: nullable(numbers),
  prompt_tokens: nullable(numberArb),
  finish_reason: nullable(textArb),
  output_chars: numberArb,
  success: fc.boolean(),
  error: nullable(
    fc.record({
      kind: fc.constant("http_error" as const),
      message: textArb,
      status: fc.integer({ min: 100, max: 599 }),
    }),
  ),
  span_note: nullable(textArb),
  server_queue_ms: nullable(numberArb),
  server_completion_tokens: nullable(numberArb),
  server_spans: fc.array(jsonObject, { maxLength: 2 }),
  non_content_chunk_times_ms: fc.option(numbers, { nil: undefined }),
  // Reasoning fields: optional (absent in older files); a CSV cannot tell null from absent.
  reasoning: fc.option(
    fc.record({ ttfot_ms: numberArb, reasoning_tokens: numberArb, reasoning_chunks: numberArb }),
    { nil: undefined },
  ),
  // The load in force at send time: optional, absent when not applicable.
  load_rate_rps: fc.option(numberArb, { nil: undefined }),
  load_concurrency: fc.option(fc.integer({ min: 1, max: 4096 }), { nil: undefined }),
  custom_field: fc.option(fc.jsonValue({ maxDepth: 2 }).map(fixNegativeZero), { nil: undefined }),
}).map((
  {
    non_content_chunk_times_ms,
    reasoning,
    load_rate_rps,
    load_concurrency,
    custom_field,
    ...fields
  },
) => {
  const record = makeRecord(fields as unknown as Partial<RequestRecord>) as
    & RequestRecord
    & Record<string, unknown>;
  if (non_content_chunk_times_ms !== undefined) {
    record.non_content_chunk_times_ms = non_content_chunk_times_ms;
  }
  if (reasoning !== undefined) Object.assign(record, reasoning);
  if (load_rate_rps !== undefined) record.load_rate_rps = load_rate_rps;
  if (load_concurrency !== undefined) record.load_concurrency = load_concurrency;
  if (custom_field !== undefined) record.custom_field = custom_field;
  return record;
});

/** The server's metrics scraped during a run: 0–3 scrapes of 0–3 series, values or null. */
const serverMetricsArb: fc.Arbitrary<ServerMetricsSeries> = fc.integer({ min: 0, max: 3 }).chain(
  (scrapes) =>
    fc.record({
      url: textArb,
      interval_ms: fc.integer({ min: 1, max: 10_000 }),
      at_ms: fc.array(numberArb, { minLength: scrapes, maxLength: scrapes }),
      values: fc.dictionary(
        textArb,
        fc.array(fc.option(numberArb, { nil: null }), { minLength: scrapes, maxLength: scrapes }),
        { maxKeys: 3, noNullPrototype: true },
      ),
      types: fc.dictionary(textArb, fc.constantFrom("gauge", "counter"), {
        maxKeys: 3,
        noNullPrototype: true,
      }),
      failures: fc.nat(),
      skipped: fc.nat(),
      last_error: fc.option(textArb, { nil: null }),
    }),
);

/**
 * Any run of up to `maxRequests` arbitrary records with an arbitrary label and extra, and
 * sometimes the server's metrics scraped during it.
 */
export function runArb(maxRequests = 5): fc.Arbitrary<Run> {
  return fc.record({
    records: fc.array(recordArb, { maxLength: maxRequests }),
    label: textArb,
    extra: jsonObject,
    serverMetrics: fc.option(serverMetricsArb, { nil: undefined }),
  }).map(({ records, label, extra, serverMetrics }) =>
    makeRun(records.map((r, index) => ({ ...r, index })), {
      label,
      extra,
      ...(serverMetrics
        ? { server_metrics: fixNegativeZero(serverMetrics) as ServerMetricsSeries }
        : {}),
      // Fixed finite times: arbitrary start/e2e values could sum to ±Infinity.
      started_ms: 1_700_000_000_000,
      ended_ms: 1_700_000_001_000,
      duration_ms: 1000,
    })
  );
}

function fixNegativeZero(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

/** Numbers a hostile server or span can put in a record: non-finite, −0, huge. */
const hostileNumberArb: fc.Arbitrary<number> = fc.oneof(
  numberArb,
  fc.constantFrom(Infinity, -Infinity, NaN, -0, 1e306 * 1000, Number.MAX_VALUE),
);

/** Strings a hostile server can send: formulas, quote marks, lone surrogates, CSV specials. */
const hostileTextArb: fc.Arbitrary<string> = fc.oneof(
  textArb,
  fc.tuple(
    fc.constantFrom("=", "+", "-", "@", "\t", "\r", "'", "''=", "'x", "\ud800", "\udc00x"),
    textArb,
  ).map(([head, tail]) => head + tail),
);

const hostileNumbers = fc.array(hostileNumberArb, { maxLength: 6 });
const hostileJson = fc.dictionary(
  hostileTextArb,
  fc.oneof(hostileNumberArb, hostileTextArb, fc.array(hostileNumberArb, { maxLength: 3 })),
  { maxKeys: 3, noNullPrototype: true },
);

/**
 * Any record as a hostile server and span could make it before it is made storable: every
 * number field may be non-finite or −0, strings may start like formulas or hold lone
 * surrogates, and lists, params and spans may hold all of these.
 */
export const hostileRecordArb: fc.Arbitrary<RequestRecord> = fc.record({
  base: recordArb,
  response_id: fc.option(hostileTextArb, { nil: null }),
  model: hostileTextArb,
  tag: fc.option(hostileTextArb, { nil: null }),
  finish_reason: fc.option(hostileTextArb, { nil: null }),
  ttft_ms: fc.option(hostileNumberArb, { nil: null }),
  e2e_ms: fc.option(hostileNumberArb, { nil: null }),
  tpot_ms: fc.option(hostileNumberArb, { nil: null }),
  completion_tokens: fc.option(hostileNumberArb, { nil: null }),
  server_queue_ms: fc.option(hostileNumberArb, { nil: null }),
  server_frontend_ms: fc.option(hostileNumberArb, { nil: null }),
  output_chars: hostileNumberArb,
  itl_ms: hostileNumbers,
  chunk_times_ms: hostileNumbers,
  chunk_tokens: fc.option(hostileNumbers, { nil: null }),
  params: hostileJson,
  server_spans: fc.array(hostileJson, { maxLength: 2 }),
  span_note: fc.option(hostileTextArb, { nil: null }),
}).map(({ base, ...hostile }) => ({ ...base, ...hostile }) as unknown as RequestRecord);

/** A run of up to `maxRequests` hostile records, with hostile label and extra. */
export function hostileRunArb(maxRequests = 4): fc.Arbitrary<Run> {
  return fc.record({
    records: fc.array(hostileRecordArb, { maxLength: maxRequests }),
    label: hostileTextArb,
    extra: hostileJson,
  }).map(({ records, label, extra }) =>
    makeRun(records.map((r, index) => ({ ...r, index })), {
      label,
      extra,
      started_ms: 1_700_000_000_000,
      ended_ms: 1_700_000_001_000,
      duration_ms: 1000,
    })
  );
}
