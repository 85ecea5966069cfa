import assert from "node:assert/strict";
import {
  credentialScrubber,
  openReceiverWarning,
  scrubRun,
  withoutCredentials,
} from "./credentials.ts";
import { makeRecord, makeRun } from "../table/_fixtures.ts";

Deno.test("withoutCredentials() drops the userinfo of a URL and nothing else", () => {
  assert.equal(withoutCredentials("http://alice:PW@host:8000/v1?q=1"), "http://host:8000/v1?q=1");
  assert.equal(withoutCredentials("https://token@host"), "https://host");
  assert.equal(withoutCredentials("http://host/a@b"), "http://host/a@b");
});

Deno.test("scrubRun() removes a --traces URL's credentials from trace links, notes, errors and the source name", () => {
  const scrub = credentialScrubber("http://u:p%40ss@jaeger:16686");
  const run = makeRun([
    makeRecord({
      trace_url: "http://u:p%40ss@jaeger:16686/trace/abc",
      span_note: "jaeger returned HTTP 500 (GET http://u:p%40ss@jaeger:16686/api/traces/abc)",
      error: { kind: "unknown", message: "echo p@ss" },
    }),
  ], { trace_source: "jaeger=http://u:p%40ss@jaeger:16686" });
  const clean = scrubRun(run, scrub);
  const text = JSON.stringify(clean);
  assert.ok(!text.includes("p%40ss") && !text.includes("p@ss"), text);
  assert.equal(clean.requests[0].trace_url, "http://jaeger:16686/trace/abc");
  assert.equal(clean.meta.trace_source, "jaeger=http://jaeger:16686");
  assert.equal(clean.requests[0].error?.message, "echo [redacted]");
});

Deno.test("openReceiverWarning() warns about a receiver reachable beyond loopback without a token", () => {
  for (const host of ["127.0.0.1", "127.0.0.2", "localhost", "::1"]) {
    assert.equal(openReceiverWarning(host, null), null, host);
  }
  for (const host of ["0.0.0.0", "10.1.2.3", "::"]) {
    assert.match(
      openReceiverWarning(host, null)!,
      new RegExp(`listens on ${host} without a token`),
    );
    assert.equal(openReceiverWarning(host, "t0ken"), null);
  }
});
