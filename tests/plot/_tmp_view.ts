import { plot, render } from "../../src/plot/mod.ts";
import { syntheticTable } from "./fixtures.ts";
const two = syntheticTable({ requests: 150, seed: 1, labels: ["baseline", "tuned"] });
await Deno.writeFile("/tmp/vt/bda.png", await render(plot.breakdown(two, { maxBars: 30 }), { format: "png", scale: 1 }));
