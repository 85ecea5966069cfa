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

Deno.test("handleInterrupts() treats SIGTERM (docker stop, timeout) like the first Ctrl-C", () => {
  const lines: string[] = [];
  const interrupts = handleInterrupts({ listen: false, log: (l) => lines.push(l), exit: () => {} });
  interrupts.press("SIGTERM");
  assert.equal(interrupts.stop.aborted, true);
  assert.equal(interrupts.abort.aborted, false, "requests in flight may finish");
  assert.match(lines[0], /SIGTERM: no new requests/);
  interrupts.dispose();
});

Deno.test("handleInterrupts() listens for SIGTERM: a real signal to this process stops the run", async () => {
  const interrupts = handleInterrupts({ listen: true, log: () => {}, exit: () => {} });
  try {
    const stopped = new Promise((resolve) => interrupts.stop.addEventListener("abort", resolve));
    // Signal listeners do not keep the event loop alive; this timer does until the signal lands.
    const keepAlive = setTimeout(() => {}, 60_000);
    Deno.kill(Deno.pid, "SIGTERM");
    await stopped;
    clearTimeout(keepAlive);
    assert.equal(interrupts.count, 1);
  } finally {
    interrupts.dispose();
  }
});
