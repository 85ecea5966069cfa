/**
 * Perf support: child processes that announce themselves on their first stdout line.
 *
 * @module
 */

/** A started child, its first stdout line, and the rest of its stdout (until it exits). */
export interface Ready {
  child: Deno.ChildProcess;
  first: string;
  rest: Promise<string>;
}

/** How {@link spawnReady} starts the child. */
export interface SpawnOptions {
  cwd?: string;
  stdin?: "piped" | "null";
  stderr?: "inherit" | "null";
}

/** Spawns `deno run -A <args>` and waits for its first stdout line. */
export async function spawnReady(args: string[], options: SpawnOptions = {}): Promise<Ready> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...args],
    cwd: options.cwd,
    stdin: options.stdin ?? "piped",
    stdout: "piped",
    stderr: options.stderr ?? "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${args[0]} exited before printing a line`);
    text += value;
  }
  const cut = text.indexOf("\n");
  const rest = (async () => {
    let more = text.slice(cut + 1);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return more;
      more += value;
    }
  })();
  return { child, first: text.slice(0, cut), rest };
}
