/**
 * The error for bad command-line input: the CLI prints its message and exits with code 2.
 *
 * @module
 */

/** A bad flag or flag value; `message` names the flag and what is wrong. */
export class UsageError extends Error {
  /** Creates the error; the message should name the flag. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
