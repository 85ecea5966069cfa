// The one place simple-statistics is pinned: code imports it from here, never by a bare specifier.
export * from "npm:simple-statistics@7.12.1";
