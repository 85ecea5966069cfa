/**
 * The one command-line flag parser of bench, sim, demo and the perf scripts: a table of
 * {@link FlagDefinition}s (name, value placeholder, default, help) drives both the parser and the
 * `--help` text, so the two cannot disagree. Bad input is a {@link UsageError} naming the flag.
 *
 * @module
 */

import { parseInteger, parseList, parseNumber } from "./parse_values.ts";
import { UsageError } from "./usage_error.ts";

/** One flag: its name, value placeholder (none = boolean), default and help line. */
export interface FlagDefinition {
  /** The name without the leading `--`. */
  name: string;
  /** Placeholder of the value in help (`N`, `URL`); absent = a switch that takes no value. */
  value?: string;
  /** What the flag does (help prints `(default …)` after it when `default` is set). */
  help: string;
  /** The value used when the flag is absent, as it would be typed; shown in help. */
  default?: string;
  /** Heading the flag is listed under in help. */
  group?: string;
  /** How many values follow the flag (default 1 when `value` is set). */
  values?: number;
  /** The flag may be given several times (its values are collected). */
  repeatable?: boolean;
}

/** What {@link parseFlags} accepts besides flags. */
export interface ParseFlagsOptions {
  /** Accept arguments that do not start with `--` (else they are an error). */
  positionals?: boolean;
  /** Also accept `-h` for `--help`. */
  shortHelp?: boolean;
}

/** The parsed command line: given values, defaults, typed readers. */
export interface ParsedFlags {
  /** Whether the flag was given. */
  has(name: string): boolean;
  /** The first given value, or undefined (defaults not applied). */
  given(name: string): string | undefined;
  /** Every given value, in order (repeatable flags; `values` > 1). */
  all(name: string): string[];
  /** The given value, else the default; undefined when neither. */
  get(name: string): string | undefined;
  /** The value (given or default) as an integer ≥ `min` (default 1). */
  integer(name: string, min?: number): number;
  /** The value (given or default) as a finite number ≥ `min` (default 0). */
  number(name: string, min?: number): number;
  /** The value (given or default) as a comma list of strings. */
  list(name: string): string[];
  /** The value (given or default) as a comma list of numbers ≥ `min` (default 0). */
  numbers(name: string, min?: number): number[];
  /** Arguments that are not flags, in order (only with `positionals: true`). */
  positionals: string[];
}

/** Edit distance between two short strings (insertions, deletions, substitutions). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

/** The known flag a mistyped name most likely meant, if any is close. */
function closestFlag(
  flags: readonly FlagDefinition[],
  name: string,
): FlagDefinition | undefined {
  let best: FlagDefinition | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const flag of flags) {
    const distance = flag.name.startsWith(name) ? 0 : editDistance(name, flag.name);
    if (distance < bestDistance) [best, bestDistance] = [flag, distance];
  }
  return best;
}

/** The definition of `--name`, or a UsageError suggesting the closest known flag. */
function definitionOf(
  flags: readonly FlagDefinition[],
  byName: Map<string, FlagDefinition>,
  name: string,
): FlagDefinition {
  const flag = byName.get(name);
  if (flag) return flag;
  const near = closestFlag(flags, name);
  throw new UsageError(
    `unknown flag --${name}${near ? ` (did you mean --${near.name}?)` : ""}; see --help`,
  );
}

/** The next argument as the value of `--name`, refusing a missing one. */
function takeValue(argv: readonly string[], i: number, name: string, what: string): string {
  if (i >= argv.length || argv[i].startsWith("--")) {
    throw new UsageError(`--${name} needs ${what}`);
  }
  return argv[i];
}

/** Splits argv into flag → raw values (repeats kept) and positionals. */
function tokenize(
  flags: readonly FlagDefinition[],
  argv: readonly string[],
  options: ParseFlagsOptions,
): { raw: Map<string, string[]>; positionals: string[] } {
  const byName = new Map(flags.map((f) => [f.name, f]));
  const raw = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = options.shortHelp && argv[i] === "-h" ? "--help" : argv[i];
    if (!arg.startsWith("--")) {
      if (options.positionals) {
        positionals.push(arg);
        continue;
      }
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)} (flags start with --)`);
    }
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const flag = definitionOf(flags, byName, name);
    let value: string;
    if (!flag.value) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      value = "true";
    } else if (eq >= 0) {
      value = arg.slice(eq + 1);
    } else {
      value = takeValue(argv, ++i, name, `a value (${flag.value})`);
    }
    if (flag.value && value.trim() === "") {
      throw new UsageError(`--${name}: the value is empty (expected ${flag.value})`);
    }
    const values = [...(raw.get(name) ?? []), value];
    for (let extra = 1; extra < (flag.values ?? 1); extra++) {
      values.push(takeValue(argv, ++i, name, `${flag.values} values (${flag.value})`));
    }
    raw.set(name, values);
  }
  return { raw, positionals };
}

/** Refuses a non-repeatable flag given more than once. */
function checkRepeats(flags: readonly FlagDefinition[], raw: Map<string, string[]>): void {
  for (const flag of flags) {
    const count = (raw.get(flag.name)?.length ?? 0) / (flag.values ?? 1);
    if (count > 1 && !flag.repeatable) {
      throw new UsageError(`--${flag.name} given ${count} times`);
    }
  }
}

/**
 * Parses `argv` (`--flag value`, `--flag=value`, switches) against the flag table. Throws a
 * {@link UsageError} for an unknown flag (suggesting the closest), a missing or empty value, a
 * value given to a switch, a repeated flag, and a bad number read by the typed readers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFlags } from "./flags.ts";
 * const FLAGS = [
 *   { name: "reps", value: "N", default: "3", help: "repetitions" },
 *   { name: "sizes", value: "N[,N...]", default: "1,2", help: "sizes" },
 *   { name: "quiet", help: "print less" },
 * ];
 * const flags = parseFlags(FLAGS, ["--sizes=4,8", "--quiet"]);
 * assert.equal(flags.integer("reps"), 3); // the default
 * assert.deepEqual(flags.numbers("sizes"), [4, 8]);
 * assert.equal(flags.has("quiet"), true);
 * assert.throws(() => parseFlags(FLAGS, ["--rep", "2"]), /did you mean --reps\?/);
 * ```
 */
export function parseFlags(
  flags: readonly FlagDefinition[],
  argv: readonly string[],
  options: ParseFlagsOptions = {},
): ParsedFlags {
  const { raw, positionals } = tokenize(flags, argv, options);
  checkRepeats(flags, raw);
  const byName = new Map(flags.map((f) => [f.name, f]));
  const known = (name: string): FlagDefinition => {
    const flag = byName.get(name);
    if (!flag) throw new Error(`no flag --${name} in the table`); // a programming error
    return flag;
  };
  const get = (name: string) => raw.get(name)?.[0] ?? known(name).default;
  const required = (name: string): string => {
    const value = get(name);
    if (value === undefined) throw new UsageError(`--${name} is required`);
    return value;
  };
  return {
    has: (name) => (known(name), raw.has(name)),
    given: (name) => (known(name), raw.get(name)?.[0]),
    all: (name) => (known(name), raw.get(name) ?? []),
    get,
    integer: (name, min = 1) => parseInteger(`--${name}`, required(name), min),
    number: (name, min = 0) => parseNumber(`--${name}`, required(name), min),
    list: (name) => parseList(`--${name}`, required(name), (item) => item),
    numbers: (name, min = 0) =>
      parseList(`--${name}`, required(name), (item) => parseNumber(`--${name}`, item, min)),
    positionals,
  };
}

/** Width of the flag column in help text. */
const FLAG_COLUMN = 32;

/**
 * Help lines for the flags, under their group headings, each with `(default …)` from its
 * `default` field: the help is generated from the same table the parser reads.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flagHelp } from "./flags.ts";
 * const lines = flagHelp([{ name: "reps", value: "N", default: "3", help: "repetitions" }]);
 * assert.equal(lines[0].trimEnd(), "  --reps N" + " ".repeat(22) + "repetitions (default 3)");
 * ```
 */
export function flagHelp(flags: readonly FlagDefinition[]): string[] {
  const lines: string[] = [];
  let group: string | undefined;
  for (const flag of flags) {
    if (flag.group !== undefined && flag.group !== group) {
      group = flag.group;
      lines.push("", `${group}:`);
    }
    const left = `  --${flag.name}${flag.value ? ` ${flag.value}` : ""}`;
    const help = flag.default === undefined ? flag.help : `${flag.help} (default ${flag.default})`;
    lines.push(
      left.length < FLAG_COLUMN
        ? left.padEnd(FLAG_COLUMN) + help
        : `${left}\n${" ".repeat(FLAG_COLUMN)}${help}`,
    );
  }
  return lines;
}

/**
 * The values of a flag table declared `as const`, typed from it: a switch is a boolean, a flag
 * with a default a string, one without `string | undefined`.
 */
export type FlagValues<T extends readonly FlagDefinition[]> = {
  [F in T[number] as F["name"]]: F extends { value: string }
    ? F extends { default: string } ? string : string | undefined
    : boolean;
};

/**
 * The parsed flags as one typed object (given value, else the default; switches as booleans).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type FlagDefinition, flagValues, parseFlags } from "./flags.ts";
 * const FLAGS = [
 *   { name: "reps", value: "N", default: "3", help: "repetitions" },
 *   { name: "json", value: "FILE", help: "also write the results here" },
 *   { name: "quiet", help: "print less" },
 * ] as const satisfies readonly FlagDefinition[];
 * const values = flagValues(FLAGS, parseFlags(FLAGS, ["--quiet"]));
 * assert.deepEqual(values, { reps: "3", json: undefined, quiet: true });
 * ```
 */
export function flagValues<const T extends readonly FlagDefinition[]>(
  flags: T,
  parsed: ParsedFlags,
): FlagValues<T> {
  const values: Record<string, string | boolean | undefined> = {};
  for (const flag of flags) {
    values[flag.name] = flag.value ? parsed.get(flag.name) : parsed.has(flag.name);
  }
  return values as FlagValues<T>;
}

/** The `--help` flag, added to a script's table when it has none. */
const HELP_FLAG: FlagDefinition = { name: "help", help: "show this text" };

/**
 * Parses a script's command line: prints the help generated from `flags` and exits 0 on
 * `--help`; prints `${command}: ${message}` and exits 2 on a UsageError. For the perf scripts
 * and other small commands.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type FlagDefinition, parseCommandLine } from "./flags.ts";
 * const FLAGS = [
 *   { name: "reps", value: "N", default: "3", help: "repetitions" },
 * ] as const satisfies readonly FlagDefinition[];
 * const values = parseCommandLine("deno task perf:x", "Measures x.", FLAGS, ["--reps", "5"]);
 * assert.equal(values.reps, "5");
 * ```
 */
export function parseCommandLine<const T extends readonly FlagDefinition[]>(
  command: string,
  about: string,
  flags: T,
  argv: readonly string[] = Deno.args,
  options: ParseFlagsOptions = {},
): FlagValues<T> & { positionals: string[] } {
  const table = flags.some((f) => f.name === "help") ? flags : [...flags, HELP_FLAG];
  try {
    const parsed = parseFlags(table, argv, options);
    if (parsed.has("help")) {
      console.log([about, "", `Usage: ${command} [flags]`, "", ...flagHelp(table)].join("\n"));
      Deno.exit(0);
    }
    return { ...flagValues(flags, parsed), positionals: parsed.positionals };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${command}: ${error.message}`);
    Deno.exit(2);
  }
}
