/**
 * Machine description and small statistics helpers shared by the perf scripts.
 *
 * @module
 */

/** What every result in docs/PERFORMANCE.md is stated with. */
export interface Machine {
  date: string;
  nproc: number;
  cpu: string;
  deno: string;
  v8: string;
  /** 1-minute load average when read. */
  load1: number;
}

/** Reads date, cores, CPU model, Deno version and the load average. */
export function machine(): Machine {
  let cpu = "unknown";
  try {
    const info = Deno.readTextFileSync("/proc/cpuinfo");
    cpu = /model name\s*:\s*(.*)/.exec(info)?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux
  }
  return {
    date: new Date().toISOString(),
    nproc: navigator.hardwareConcurrency,
    cpu,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    load1: loadAverage(),
  };
}

/** 1-minute load average (NaN off Linux). */
export function loadAverage(): number {
  try {
    return Number(Deno.readTextFileSync("/proc/loadavg").split(" ")[0]);
  } catch {
    return NaN;
  }
}

/** One line describing the machine, for the top of each report. */
export function describeMachine(m: Machine): string {
  return `${m.date} · nproc ${m.nproc} · ${m.cpu} · Deno ${m.deno} (V8 ${m.v8}) · load1 ${m.load1}`;
}

/** Nearest-rank percentile of a sorted array (p in [0, 100]). */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Waits until the 1-minute load average is below `max` or `timeoutS` passed; returns it. */
export async function waitForQuiet(max: number, timeoutS: number): Promise<number> {
  const until = Date.now() + timeoutS * 1000;
  let load = loadAverage();
  while (load >= max && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 5000));
    load = loadAverage();
  }
  return load;
}

/** Formats a number with `digits` decimals. */
export function fmt(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "—";
}
