/**
 * The interactive layer of the HTML report: each chart's spec compiled to Vega (with scale-bound
 * zoom), and one inline script (vega's browser bundle, vega-interpreter and a small start-up
 * script with a tooltip) that draws them over the static SVGs. The script is allowed by its
 * SHA-256 hash in the report's Content-Security-Policy; vega-interpreter evaluates expressions
 * without `eval`, so the policy needs no 'unsafe-eval'. Without scripts the static SVGs stay.
 *
 * @module
 */

import * as vl from "../deps/vega_lite.ts";
import { VEGA_INTERPRETER_URL, VEGA_MODULE_URL } from "../deps/vega_browser.ts";
import type { VegaLiteSpec } from "../types.ts";

/** Name of the interval selection bound to the scales (drag to pan, wheel to zoom). */
const ZOOM_PARAM = "vm_zoom";

/**
 * Adds pan-and-zoom (an interval selection bound to the scales) to a single-view or layered
 * spec; other specs (facets, concatenations) come back unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withZoom } from "./report_live.ts";
 * const spec = { $schema: "v5", mark: "point", encoding: {} };
 * assert.deepEqual(withZoom(spec).params, [{ name: "vm_zoom", select: "interval", bind: "scales" }]);
 * ```
 */
export function withZoom(spec: VegaLiteSpec): VegaLiteSpec {
  const zoom = { name: ZOOM_PARAM, select: "interval", bind: "scales" };
  const addTo = <T extends Record<string, unknown>>(unit: T): T => ({
    ...unit,
    params: [...((unit.params as unknown[] | undefined) ?? []), zoom],
  });
  if ("mark" in spec) return addTo(spec);
  if (Array.isArray(spec.layer) && spec.layer.length > 0 && "mark" in spec.layer[0]) {
    return { ...spec, layer: [addTo(spec.layer[0]), ...spec.layer.slice(1)] };
  }
  return spec;
}

/** vega-lite's logger, silenced: a chart that only warns still compiles. */
const QUIET_LOGGER = {
  level() {
    return QUIET_LOGGER;
  },
  error() {
    return QUIET_LOGGER;
  },
  warn() {
    return QUIET_LOGGER;
  },
  info() {
    return QUIET_LOGGER;
  },
  debug() {
    return QUIET_LOGGER;
  },
};

/**
 * The Vega spec the browser draws for a Vega-Lite spec: compiled with zoom when that compiles,
 * else without; null when the spec does not compile at all.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileForBrowser } from "./report_live.ts";
 * const vega = compileForBrowser({
 *   $schema: "https://vega.github.io/schema/vega-lite/v5.json",
 *   data: { values: [{ a: 1, b: 2 }] },
 *   mark: "point",
 *   encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", type: "quantitative" } },
 * });
 * assert.ok(vega && JSON.stringify(vega).includes("vm_zoom"));
 * ```
 */
export function compileForBrowser(spec: VegaLiteSpec): Record<string, unknown> | null {
  for (const candidate of [withZoom(spec), spec]) {
    try {
      // deno-lint-ignore no-explicit-any
      return vl.compile(candidate as any, { logger: QUIET_LOGGER as any }).spec as Record<
        string,
        unknown
      >;
    } catch {
      // try the next candidate
    }
  }
  return null;
}

/** The start-up script: draws every `script.vega-spec` into its figure and shows tooltips. */
const START_SCRIPT = String.raw`
(function () {
  "use strict";
  var tip = null;
  function showTip(_handler, event, _item, value) {
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "vm-tooltip";
      tip.setAttribute("role", "tooltip");
      document.body.appendChild(tip);
    }
    if (value === null || value === undefined || value === "") {
      tip.hidden = true;
      return;
    }
    tip.replaceChildren();
    if (typeof value === "object" && !Array.isArray(value)) {
      var table = document.createElement("table");
      Object.keys(value).forEach(function (key) {
        var row = table.insertRow();
        var th = document.createElement("th");
        th.textContent = key;
        row.appendChild(th);
        row.insertCell().textContent = String(value[key]);
      });
      tip.appendChild(table);
    } else {
      tip.textContent = String(value);
    }
    tip.hidden = false;
    tip.style.left = event.pageX + 12 + "px";
    tip.style.top = event.pageY + 12 + "px";
  }
  function draw(data) {
    var figure = document.getElementById(data.dataset.figure);
    var target = figure && figure.querySelector(".live");
    if (!target) return;
    try {
      var runtime = vega.parse(JSON.parse(data.textContent), null, { ast: true });
      var view = new vega.View(runtime, {
        expr: vegaInterpreter.expressionInterpreter,
        renderer: "svg",
        container: target,
        hover: true,
        tooltip: showTip,
      });
      view.runAsync().then(function () {
        figure.classList.add("rendered");
      }, function (e) {
        console.warn("vllm-metrics: chart " + figure.id + " kept static:", e);
      });
    } catch (e) {
      console.warn("vllm-metrics: chart " + figure.id + " kept static:", e);
    }
  }
  document.querySelectorAll("script.vega-spec").forEach(draw);
})();
`;

/**
 * vega-interpreter's ES module as a classic script: its one import (from vega-util) is taken from
 * the `vega` global, and its export becomes the `vegaInterpreter` global.
 */
function interpreterAsScript(source: string): string {
  const imports = /^import \{([^}]*)\} from 'vega-util';$/m;
  const exported = /^export \{ (\w+) as expressionInterpreter \};$/m;
  if (!imports.test(source) || !exported.test(source)) {
    throw new Error("report: vega-interpreter's build no longer has the expected import/export");
  }
  const body = source
    .replace(imports, (_, names) => `const {${names}} = vega;`)
    .replace(exported, (_, name) => `return { expressionInterpreter: ${name} };`);
  return `var vegaInterpreter = (function () {\n${body}\n})();`;
}

async function readPackageFile(url: string, what: string): Promise<string> {
  if (!url.startsWith("file:")) {
    throw new Error(`report: cannot read ${what} from ${url} (not a local file)`);
  }
  return await Deno.readTextFile(new URL(url));
}

/**
 * The report's one inline script: vega's browser bundle, vega-interpreter and the start-up
 * script. Throws when the installed packages cannot be read (the report then stays static).
 */
export async function browserScript(): Promise<string> {
  const vegaJs = await readPackageFile(
    new URL("./vega.min.js", VEGA_MODULE_URL).href,
    "vega's browser bundle",
  );
  const interpreter = await readPackageFile(VEGA_INTERPRETER_URL, "vega-interpreter");
  const script = `${vegaJs}\n${interpreterAsScript(interpreter)}\n${START_SCRIPT}`;
  // An inline script ends at the first "</script"; vega's bundle has none, and this keeps it so.
  if (/<\/script/i.test(script)) throw new Error("report: the browser script contains </script");
  return script;
}

/**
 * The CSP source that allows exactly this inline script: `'sha256-<base64 digest>'`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scriptHashSource } from "./report_live.ts";
 * assert.equal(await scriptHashSource(""), "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='");
 * ```
 */
export async function scriptHashSource(script: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(script));
  const base64 = btoa(String.fromCharCode(...new Uint8Array(digest)));
  return `'sha256-${base64}'`;
}
