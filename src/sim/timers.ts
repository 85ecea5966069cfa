/**
 * A set of `setTimeout` handles that can all be cleared at once, so a closed simulator leaves
 * no timers behind.
 *
 * @module
 */

/** A timeout handle (a number in Deno, a Timeout object under node types). */
export type TimerHandle = ReturnType<typeof setTimeout>;

/** Tracked timeouts. */
export class TimerSet {
  readonly #handles = new Set<TimerHandle>();

  /** Like setTimeout; the handle is forgotten once `fn` has run. */
  set(fn: () => void, delayMs: number): TimerHandle {
    const handle = setTimeout(() => {
      this.#handles.delete(handle);
      fn();
    }, delayMs);
    this.#handles.add(handle);
    return handle;
  }

  /** Clears one timeout (no-op for null or an already-run one). */
  clear(handle: TimerHandle | null): void {
    if (handle === null) return;
    clearTimeout(handle);
    this.#handles.delete(handle);
  }

  /** Clears every pending timeout. */
  clearAll(): void {
    for (const handle of this.#handles) clearTimeout(handle);
    this.#handles.clear();
  }

  /** Pending timeouts. */
  get size(): number {
    return this.#handles.size;
  }
}
