// The one place vega is pinned: code imports it from here, never by a bare specifier.
export * from "npm:vega@6.4.0";
