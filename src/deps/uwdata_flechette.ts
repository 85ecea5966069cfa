// The one place @uwdata/flechette is pinned. arquero asks for ^2.0.0, and 2.7 depends on a package
// missing from npm, so src/deps/arquero.ts requires this module first and 2.6.0 satisfies that range.
export * from "npm:@uwdata/flechette@2.6.0";
