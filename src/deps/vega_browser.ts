// The browser builds that the HTML report inlines as script text (read, never run here): vega's
// UMD bundle and vega-interpreter, which evaluates vega expressions without eval so the report's
// Content-Security-Policy needs no 'unsafe-eval'. Pinned to the vega of src/deps/vega.ts.
// The imports put both packages in the module graph, so import.meta.resolve finds their files.
// deno-lint-ignore no-import-prefix -- src/deps is where npm specifiers live
import "npm:vega@6.4.0";
export { expressionInterpreter } from "npm:vega-interpreter@2.3.2";

/** URL of vega's ES module entry (build/vega.module.js); the UMD bundle `vega.min.js` is beside it. */
export const VEGA_MODULE_URL: string = import.meta.resolve("npm:vega@6.4.0");

/** URL of vega-interpreter's ES module build (one file, importing only vega-util). */
export const VEGA_INTERPRETER_URL: string = import.meta.resolve("npm:vega-interpreter@2.3.2");
