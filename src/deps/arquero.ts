// The one place arquero is pinned: code imports it from here, never by a bare specifier.
// arquero asks for @uwdata/flechette ^2.0.0; 2.7 depends on a package missing from npm, so 2.6.0 is
// required first and satisfies that range wherever this module is imported from.
import "npm:@uwdata/flechette@2.6.0";
export * from "npm:arquero@8.0.3";
