/**
 * A trace store that shows each span only `visibleAfterMs` after it arrived, behind the query
 * API of Jaeger v1, Jaeger api_v3 or Tempo (src/enrich/_store_mock.ts), in its own process, for
 * perf/enrich.ts. Spans arrive over OTLP/HTTP protobuf at `<url>/v1/traces`.
 *
 * `deno run -A perf/_late_store.ts <jaeger|jaeger-v3|tempo> <visibleAfterMs>` prints
 * `READY <url>`; when stdin closes it prints `STATS <json>` (`/_mock/stats`) and stops.
 *
 * @module
 */
import { DelayedTraceStore, type StoreFlavor } from "../src/enrich/_store_mock.ts";

const flavor = Deno.args[0] as StoreFlavor;
const visibleAfterMs = Number(Deno.args[1]);
if (!["jaeger", "jaeger-v3", "tempo"].includes(flavor) || !(visibleAfterMs >= 0)) {
  console.error("usage: _late_store.ts <jaeger|jaeger-v3|tempo> <visibleAfterMs>");
  Deno.exit(2);
}
const store = new DelayedTraceStore(visibleAfterMs);
const server = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen() {} },
  store.handler(flavor),
);
const url = `http://127.0.0.1:${server.addr.port}`;
console.log(`READY ${url}`);
for await (const _ of Deno.stdin.readable) {
  // ignore input; runs until stdin closes
}
const stats = await (await fetch(`${url}/_mock/stats`)).json();
console.log(`STATS ${JSON.stringify(stats)}`);
await server.shutdown();
