// The one place undici is pinned: code imports it from here, never by a bare specifier.
export * from "npm:undici@8.13.1";
