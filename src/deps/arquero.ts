// The one place arquero is pinned: code imports it from here, never by a bare specifier.
// arquero asks for @uwdata/flechette ^2.0.0, and 2.7 depends on a package missing from npm, so 2.6.0
// is pinned here, in this same module: `deno jupyter` and `deno repl` resolve npm packages module
// by module, so a pin one import further away comes too late there. It is also exported, as
// `flechette`, for the Arrow IPC run files (src/io/columnar_format.ts): one place for its version.
export * as flechette from "npm:@uwdata/flechette@2.6.0";
export * from "npm:arquero@8.0.3";
