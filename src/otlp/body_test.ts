import assert from "node:assert/strict";
import { BodyError, parseContentEncoding, readLimitedBody } from "./body.ts";
import { gzip } from "./_test_helpers.ts";

const streamOf = (bytes: Uint8Array) => new Blob([bytes as Uint8Array<ArrayBuffer>]).stream();

Deno.test("readLimitedBody() returns the bytes of a plain body", async () => {
  const bytes = new Uint8Array(10_000).map((_, i) => i % 251);
  assert.deepEqual(await readLimitedBody(streamOf(bytes), "identity", 10_000), bytes);
});

Deno.test("readLimitedBody() returns an empty array for no body", async () => {
  assert.equal((await readLimitedBody(null, "gzip", 10)).length, 0);
});

Deno.test("readLimitedBody() inflates gzip, feeding the decompressor in slices", async () => {
  const bytes = new Uint8Array(300_000).map((_, i) => (i * 7) % 256);
  const out = await readLimitedBody(streamOf(await gzip(bytes)), "gzip", 300_000);
  assert.deepEqual(out, bytes);
});

Deno.test("readLimitedBody() throws 413 when the raw or the inflated size passes the limit", async () => {
  const bytes = new Uint8Array(2_000);
  await assert.rejects(readLimitedBody(streamOf(bytes), "identity", 1_999), (error) => {
    assert.ok(error instanceof BodyError);
    assert.equal(error.status, 413);
    assert.match(error.message, /^request body exceeds the limit of 1999 bytes/);
    return true;
  });
  const compressed = await gzip(bytes); // ~30 bytes, inflates to 2000
  await assert.rejects(
    readLimitedBody(streamOf(compressed), "gzip", 1_000),
    { name: "BodyError", status: 413, message: /decompressed request body exceeds/ },
  );
});

Deno.test("readLimitedBody() throws 400 for a body that is not gzip", async () => {
  await assert.rejects(
    readLimitedBody(streamOf(new TextEncoder().encode("plain text")), "gzip", 1_000),
    { name: "BodyError", status: 400, message: /not valid gzip/ },
  );
});

Deno.test("readLimitedBody() throws 400 when the body stream fails", async () => {
  const failing = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.error(new Error("connection reset"));
    },
  });
  await assert.rejects(
    readLimitedBody(failing, "identity", 1_000),
    { name: "BodyError", status: 400, message: /could not be read: connection reset/ },
  );
});

Deno.test("parseContentEncoding() knows identity and gzip only", () => {
  assert.equal(parseContentEncoding(null), "identity");
  assert.equal(parseContentEncoding(" Identity "), "identity");
  assert.equal(parseContentEncoding("GZIP"), "gzip");
  assert.equal(parseContentEncoding("x-gzip"), "gzip");
  assert.equal(parseContentEncoding("gzip, gzip"), null);
  assert.equal(parseContentEncoding("br"), null);
});
