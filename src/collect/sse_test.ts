import assert from "node:assert/strict";
import fc from "../deps/fast_check.ts";
import { SseParser } from "./sse.ts";

interface Parsed {
  events: Array<[string, string]>;
  invalid: string[];
  end: { partialLine: boolean; undispatchedEvent: boolean };
}

function parsePieces(pieces: Uint8Array[]): Parsed {
  const events: Array<[string, string]> = [];
  const invalid: string[] = [];
  const parser = new SseParser({
    onEvent: (data, type) => events.push([data, type]),
    onInvalidLine: (line) => invalid.push(line),
  });
  for (const piece of pieces) parser.feed(piece);
  return { events, invalid, end: parser.end() };
}

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const sorted = [...new Set(cuts)].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const cut of sorted) {
    out.push(bytes.subarray(from, cut));
    from = cut;
  }
  out.push(bytes.subarray(from));
  return out;
}

const encoder = new TextEncoder();

// A stream with everything the parser must handle: LF, CRLF and CR line ends, comments, a
// multi-line event, an event type, multibyte UTF-8 (2, 3 and 4 bytes), and [DONE].
const MIXED = encoder.encode(
  ": keep-alive comment\n" +
    'data: {"choices":[{"delta":{"content":"héllo"}}]}\n\n' +
    "data: first line\r\ndata: second line\r\n\r\n" +
    "event: custom\rdata: 日本語 🎉\r\r" +
    "id: 7\nretry: 100\ndata:no-space\n\n" +
    "data: [DONE]\n\n",
);

const MIXED_EVENTS: Array<[string, string]> = [
  ['{"choices":[{"delta":{"content":"héllo"}}]}', "message"],
  ["first line\nsecond line", "message"],
  ["日本語 🎉", "custom"],
  ["no-space", "message"],
  ["[DONE]", "message"],
];

Deno.test("SseParser parses LF, CRLF and CR line ends, comments, multi-line data and multibyte text", () => {
  const result = parsePieces([MIXED]);
  assert.deepEqual(result.events, MIXED_EVENTS);
  assert.deepEqual(result.invalid, []);
  assert.deepEqual(result.end, { partialLine: false, undispatchedEvent: false });
});

Deno.test("SseParser gives the same events when the stream is split at every single byte boundary", () => {
  for (let cut = 1; cut < MIXED.length; cut++) {
    const result = parsePieces(splitAt(MIXED, [cut]));
    assert.deepEqual(result.events, MIXED_EVENTS, `split at byte ${cut}`);
    assert.deepEqual(result.invalid, [], `split at byte ${cut}`);
  }
});

Deno.test("SseParser gives the same events when fed one byte at a time", () => {
  const pieces = Array.from({ length: MIXED.length }, (_, i) => MIXED.subarray(i, i + 1));
  assert.deepEqual(parsePieces(pieces).events, MIXED_EVENTS);
});

Deno.test("SseParser joins a CR at the end of one piece with an LF at the start of the next as one line end", () => {
  const events = parsePieces([
    encoder.encode("data: a\r"),
    encoder.encode("\n\r"),
    encoder.encode("\ndata: b\n\n"),
  ]).events;
  assert.deepEqual(events, [["a", "message"], ["b", "message"]]);
});

Deno.test("SseParser replaces invalid UTF-8 with U+FFFD and does not throw", () => {
  const bytes = new Uint8Array([
    ...encoder.encode("data: a"),
    0xff,
    0xc3, // truncated 2-byte sequence followed by ASCII
    ...encoder.encode("b\n\n"),
  ]);
  const result = parsePieces([bytes]);
  assert.equal(result.events.length, 1);
  assert.equal(result.events[0][0], "a\uFFFD\uFFFDb");
});

Deno.test("SseParser turns a multibyte character cut short by a line end into one U+FFFD", () => {
  const euro = encoder.encode("€"); // 3 bytes
  const result = parsePieces([
    encoder.encode("data: x"),
    euro.subarray(0, 2),
    encoder.encode("y\n\n"),
  ]);
  assert.deepEqual(result.events, [["x\uFFFDy", "message"]]);
});

Deno.test("SseParser.end() reports an unterminated line and resets", () => {
  const parser = new SseParser({ onEvent: () => {} });
  parser.feed(encoder.encode("data: x\n\ndata: "));
  parser.feed(encoder.encode("€").subarray(0, 2));
  assert.deepEqual(parser.end(), { partialLine: true, undispatchedEvent: false });
  assert.deepEqual(parser.end(), { partialLine: false, undispatchedEvent: false });
});

Deno.test("SseParser reports lines with unknown field names and keeps parsing", () => {
  const result = parsePieces([encoder.encode('{"id":"x"}\ndata: ok\n\nbogus: 1\n\n')]);
  assert.deepEqual(result.invalid, ['{"id":"x"}', "bogus: 1"]);
  assert.deepEqual(result.events, [["ok", "message"]]);
});

Deno.test("SseParser does not dispatch an event whose blank line never came", () => {
  const result = parsePieces([encoder.encode("data: a\n\ndata: b\n")]);
  assert.deepEqual(result.events, [["a", "message"]]);
  assert.deepEqual(result.end, { partialLine: false, undispatchedEvent: true });
});

Deno.test("SseParser dispatches an empty data field as an empty string and skips blank-only blocks", () => {
  const result = parsePieces([encoder.encode("\n\n\ndata\n\ndata:\n\n")]);
  assert.deepEqual(result.events, [["", "message"], ["", "message"]]);
});

Deno.test("SseParser strips a leading byte-order mark", () => {
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode("data: a\n\n")]);
  assert.deepEqual(parsePieces([bytes]).events, [["a", "message"]]);
});

Deno.test("SseParser keeps the last event id", () => {
  const parser = new SseParser({ onEvent: () => {} });
  parser.feedText("id: 41\ndata: a\n\nid: 42\ndata: b\n\n");
  assert.equal(parser.lastEventId, "42");
});

// ---- property tests ----

const safeText = fc.string({ unit: "grapheme", maxLength: 20 }).map((s) =>
  s.replace(/[\r\n]/g, " ")
);
const lineEnd = fc.constantFrom("\n", "\r\n", "\r");

Deno.test("SseParser never throws on arbitrary bytes split arbitrarily, and the split does not change the result", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 300 }),
      fc.array(fc.nat({ max: 300 }), { maxLength: 10 }),
      (bytes, cuts) => {
        const whole = parsePieces([bytes]);
        const split = parsePieces(splitAt(bytes, cuts));
        assert.deepEqual(split, whole);
        for (const [data] of whole.events) {
          assert.ok(!data.includes("\r"), "data never contains CR");
        }
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("SseParser returns exactly the generated events, whatever the line ends and the split", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          lines: fc.array(safeText, { minLength: 1, maxLength: 3 }),
          comment: fc.option(safeText),
        }),
        { maxLength: 8 },
      ),
      lineEnd,
      fc.array(fc.nat({ max: 2000 }), { maxLength: 12 }),
      (events, eol, cuts) => {
        let text = "";
        for (const event of events) {
          if (event.comment !== null) text += ":" + event.comment + eol;
          for (const line of event.lines) text += "data: " + line + eol;
          text += eol;
        }
        const bytes = encoder.encode(text);
        const result = parsePieces(splitAt(bytes, cuts));
        assert.deepEqual(
          result.events.map(([data]) => data),
          events.map((e) => e.lines.join("\n")),
        );
        assert.deepEqual(result.invalid, []);
        assert.equal(result.end.undispatchedEvent, false);
      },
    ),
    { numRuns: 500 },
  );
});

// ---- long lines and the event size limit ----

function parseWithLimit(pieces: Uint8Array[], maxEventChars: number) {
  const events: string[] = [];
  const tooLarge: Array<[number, number]> = [];
  const parser = new SseParser({
    onEvent: (data) => events.push(data),
    onEventTooLarge: (chars, limit) => tooLarge.push([chars, limit]),
  }, { maxEventChars });
  for (const piece of pieces) parser.feed(piece);
  return { events, tooLarge, end: parser.end() };
}

function pieces(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

Deno.test("SseParser joins a 2 MB data line fed in 16 KiB pieces into exactly one event", () => {
  const payload = "x".repeat(2_000_000);
  const bytes = encoder.encode(`data: ${payload}\n\ndata: [DONE]\n\n`);
  const result = parseWithLimit(pieces(bytes, 16 * 1024), 4_000_000);
  assert.equal(result.events.length, 2);
  assert.equal(result.events[0].length, payload.length);
  assert.equal(result.events[0], payload);
  assert.equal(result.events[1], "[DONE]");
  assert.deepEqual(result.tooLarge, []);
});

Deno.test("SseParser drops an event over maxEventChars, reports it once, and parses the next event", () => {
  const big = "y".repeat(5_000);
  const bytes = encoder.encode(`data: small\n\ndata: ${big}\ndata: more\n\ndata: [DONE]\n\n`);
  for (const size of [1, 7, 16 * 1024]) {
    const result = parseWithLimit(pieces(bytes, size), 1_000);
    assert.deepEqual(result.events, ["small", "[DONE]"], `pieces of ${size} bytes`);
    assert.equal(result.tooLarge.length, 1);
    assert.equal(result.tooLarge[0][1], 1_000);
    assert.ok(result.tooLarge[0][0] > 1_000);
    assert.deepEqual(result.end, { partialLine: false, undispatchedEvent: false });
  }
});

Deno.test("SseParser counts every line of an event against the limit, not only the longest", () => {
  const line = "data: " + "z".repeat(94); // 100 characters
  const text = `${line}\n${line}\n${line}\n\n`;
  assert.deepEqual(parseWithLimit([encoder.encode(text)], 300).events.length, 1);
  const over = parseWithLimit([encoder.encode(text)], 299);
  assert.deepEqual(over.events, []);
  assert.deepEqual(over.tooLarge, [[300, 299]]);
});

Deno.test("SseParser reports an unterminated oversized line at the end without dispatching it", () => {
  const result = parseWithLimit(pieces(encoder.encode("data: " + "q".repeat(500)), 64), 100);
  assert.deepEqual(result.events, []);
  assert.equal(result.tooLarge.length, 1);
  assert.deepEqual(result.end, { partialLine: true, undispatchedEvent: true });
});

Deno.test("SseParser rejects a maxEventChars below 1", () => {
  assert.throws(() => new SseParser({ onEvent() {} }, { maxEventChars: 0 }), RangeError);
});

Deno.test("SseParser keeps or drops each event by its size alone, whatever the split", () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(safeText, { minLength: 1, maxLength: 3 }), { maxLength: 6 }),
      fc.integer({ min: 1, max: 60 }),
      fc.array(fc.nat({ max: 600 }), { maxLength: 12 }),
      (events, limit, cuts) => {
        let text = "";
        const kept: string[] = [];
        let dropped = 0;
        for (const lines of events) {
          const raw = lines.map((l) => "data: " + l);
          text += raw.join("\n") + "\n\n";
          if (raw.reduce((n, l) => n + l.length, 0) > limit) dropped++;
          else kept.push(lines.join("\n"));
        }
        const result = parseWithLimit(splitAt(encoder.encode(text), cuts), limit);
        assert.deepEqual(result.events, kept);
        assert.equal(result.tooLarge.length, dropped);
      },
    ),
    { numRuns: 500 },
  );
});
