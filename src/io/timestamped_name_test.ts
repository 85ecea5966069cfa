import assert from "node:assert/strict";
import { timestampedName } from "./timestamped_name.ts";

const AT = new Date("2026-11-27T23:59:01.789Z");

Deno.test("timestampedName() puts the UTC time without colons before the label", () => {
  assert.equal(timestampedName("label", "json", AT), "2026-11-27T23-59-01Z_label.json");
  assert.equal(timestampedName("label", ".csv", AT), "2026-11-27T23-59-01Z_label.csv");
});

Deno.test("timestampedName() sanitises the label to a safe file name", () => {
  assert.equal(
    timestampedName("opt 125m/c=8", "json", AT),
    "2026-11-27T23-59-01Z_opt_125m_c_8.json",
  );
  assert.equal(
    timestampedName("../../etc/passwd", "json", AT),
    "2026-11-27T23-59-01Z_etc_passwd.json",
  );
  assert.equal(timestampedName("", "json", AT), "2026-11-27T23-59-01Z_run.json");
  assert.equal(timestampedName("x".repeat(300), "json", AT).length, 21 + 80 + 5);
  assert.throws(() => timestampedName("a", "j/son", AT), TypeError);
});
