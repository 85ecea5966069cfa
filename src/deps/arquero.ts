// The one place arquero is pinned: code imports it from here, never by a bare specifier.
// Its dependency @uwdata/flechette is pinned first (see ./uwdata_flechette.ts).
import "./uwdata_flechette.ts";
export * from "npm:arquero@8.0.3";
