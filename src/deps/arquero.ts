// The one place arquero is pinned: code imports it from here, never by a bare specifier.
// Its dependency @uwdata/flechette is pinned first (2.7 depends on a package missing from npm; see
// ./uwdata_flechette.ts) in this same module: `deno jupyter` and `deno repl` resolve npm packages
// module by module, so a pin one import further away comes too late there.
// An empty re-export, not a side-effect import (no-import-prefix): it is in the module graph, which
// is what pins the version.
// deno-lint-ignore verbatim-module-syntax
export {} from "npm:@uwdata/flechette@2.6.0";
export * from "npm:arquero@8.0.3";
