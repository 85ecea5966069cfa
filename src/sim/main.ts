/**
 * `deno task sim`: runs the vLLM simulator until Ctrl-C (SIGINT) or SIGTERM.
 *
 * @module
 */
import { parseSimArgs, SIM_USAGE } from "./cli_args.ts";
import { startSimulator } from "./server.ts";

async function main(args: string[]): Promise<number> {
  let options;
  try {
    options = parseSimArgs(args);
  } catch (error) {
    console.error(`sim: ${error instanceof Error ? error.message : error}`);
    return 2;
  }
  if (options === "help") {
    console.log(SIM_USAGE);
    return 0;
  }
  let sim;
  try {
    sim = await startSimulator(options);
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : error}`);
    return 1;
  }
  console.log(sim.url);
  const tracing = options.otlpEndpoint
    ? `spans → ${options.otlpEndpoint} (${options.otlpProtocol ?? "grpc"})`
    : "no tracing";
  console.error(
    `vLLM simulator serving ${options.model ?? "sim-llama-3-8b"} at ${sim.url}; ${tracing}`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      Deno.removeSignalListener("SIGINT", stop);
      Deno.removeSignalListener("SIGTERM", stop);
      resolve();
    };
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGTERM", stop);
  });
  console.error("stopping: flushing spans");
  await sim.close();
  const stats = sim.spanExportStats();
  if (options.otlpEndpoint) {
    console.error(
      `spans exported ${stats.exported}, failed ${stats.failed}, dropped ${stats.dropped}`,
    );
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
