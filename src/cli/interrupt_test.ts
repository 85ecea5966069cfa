import assert from "node:assert/strict";
import { handleInterrupts } from "./interrupt.ts";

Deno.test("handleInterrupts() stops on the first press, aborts on the second, exits on the third", () => {
  const lines: string[] = [];
  const exits: number[] = [];
  const interrupts = handleInterrupts({
    listen: false,
    log: (l) => lines.push(l),
    exit: (c) => exits.push(c),
  });
  assert.equal(interrupts.stop.aborted, false);
  const waiting = interrupts.nextPress();
  interrupts.press();
  assert.equal(waiting.aborted, true);
  assert.equal(interrupts.nextPress().aborted, false);
  assert.equal(interrupts.stop.aborted, true);
  assert.equal(interrupts.abort.aborted, false);
  interrupts.press();
  assert.equal(interrupts.abort.aborted, true);
  assert.deepEqual(exits, []);
  interrupts.press();
  assert.deepEqual(exits, [130]);
  assert.equal(interrupts.count, 3);
  assert.equal(lines.length, 3);
  interrupts.dispose();
});
