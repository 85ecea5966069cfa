/**
 * Bookkeeping for loads that skip bad lines instead of failing.
 *
 * @module
 */

import type { SalvageReport } from "../types.ts";
import { FileFormatError } from "./errors.ts";

/** Collects skipped lines when salvaging; rethrows when not. */
export class Salvager {
  skipped = 0;
  readonly errors: string[] = [];

  constructor(readonly enabled: boolean) {}

  /** Records a skip for a FileFormatError when salvaging; rethrows anything else, or when not. */
  skip(error: unknown): void {
    if (!this.enabled || !(error instanceof FileFormatError)) throw error;
    this.skipped++;
    if (this.errors.length < 10) this.errors.push(error.message);
  }

  /** The report to put in meta.salvage, or undefined when nothing was skipped. */
  report(): SalvageReport | undefined {
    return this.skipped > 0 ? { skipped_lines: this.skipped, errors: [...this.errors] } : undefined;
  }
}
