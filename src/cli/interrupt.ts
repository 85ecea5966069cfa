/**
 * Ctrl-C handling for long runs: the first SIGINT stops scheduling (in-flight requests finish),
 * the second aborts in-flight requests, the third exits at once. What finished is still
 * enriched, saved and summarized after the first two. SIGTERM (what `docker stop`, Kubernetes and
 * `timeout` send) counts as a press too, so a stopped container still saves its run.
 *
 * @module
 */

/** The state of Ctrl-C presses during a run. */
export interface Interrupts {
  /** Aborted by the first Ctrl-C: stop sending new requests. */
  readonly stop: AbortSignal;
  /** Aborted by the second Ctrl-C: abort requests in flight. */
  readonly abort: AbortSignal;
  /** Ctrl-C presses so far. */
  readonly count: number;
  /** A signal aborted at the next press (e.g. to stop waiting for late spans). */
  nextPress(): AbortSignal;
  /** Simulates a press (what the SIGINT listener calls); `signal` names it in the log line. */
  press(signal?: "SIGINT" | "SIGTERM"): void;
  /** Removes the signal listener. */
  dispose(): void;
}

/** The signals that count as a Ctrl-C press. */
const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/**
 * Listens for SIGINT and SIGTERM (when `listen` is true) and turns them into the two signals.
 * `log` receives one line per press; `exit` is called on the third press.
 */
export function handleInterrupts(options: {
  listen: boolean;
  log: (line: string) => void;
  exit: (code: number) => void;
}): Interrupts {
  const stop = new AbortController();
  const abort = new AbortController();
  let count = 0;
  let waiters: AbortController[] = [];
  const press = (signal: "SIGINT" | "SIGTERM" = "SIGINT") => {
    count++;
    const name = signal === "SIGINT" ? "Ctrl-C" : "SIGTERM";
    for (const waiter of waiters) waiter.abort(new Error("interrupted"));
    waiters = [];
    if (count === 1) {
      options.log(
        `\n${name}: no new requests; waiting for those in flight (Ctrl-C again aborts them)`,
      );
      stop.abort(new Error("interrupted"));
    } else if (count === 2) {
      options.log(
        `\n${name}: aborting requests in flight; saving what finished (Ctrl-C again quits)`,
      );
      abort.abort(new Error("interrupted twice"));
    } else {
      options.log(
        `\n${name}: quitting without saving (finished requests are in the .jsonl file)`,
      );
      options.exit(130);
    }
  };
  const listeners = SIGNALS.map((signal) => [signal, () => press(signal)] as const);
  if (options.listen) {
    for (const [signal, listener] of listeners) {
      try {
        Deno.addSignalListener(signal, listener);
      } catch {
        // Windows has no SIGTERM listener; Ctrl-C still works there.
      }
    }
  }
  return {
    stop: stop.signal,
    abort: abort.signal,
    get count() {
      return count;
    },
    nextPress() {
      const waiter = new AbortController();
      waiters.push(waiter);
      return waiter.signal;
    },
    press,
    dispose() {
      if (!options.listen) return;
      for (const [signal, listener] of listeners) {
        try {
          Deno.removeSignalListener(signal, listener);
        } catch {
          // never added (see above)
        }
      }
    },
  };
}
