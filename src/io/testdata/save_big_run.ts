/**
 * Saves a run of 2,000 requests (about 2 MB as CSV) to the path given; prints the error and exits
 * 1 when the save fails. Used by atomic_write_test.ts under a file-size limit.
 */
import { save } from "../save.ts";
import { makeRecord, makeRun } from "../../table/_fixtures.ts";

const run = makeRun(Array.from({ length: 2_000 }, (_, index) => makeRecord({ index })));
try {
  await save(run, Deno.args[0]);
} catch (error) {
  console.error((error as Error).message);
  Deno.exit(1);
}
