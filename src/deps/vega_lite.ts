// The one place vega-lite is pinned: code imports it from here, never by a bare specifier.
export * from "npm:vega-lite@6.5.0";
