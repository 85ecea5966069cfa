// The one place fast-check is pinned: code imports it from here, never by a bare specifier.
export * from "npm:fast-check@4.11.0";
export { default } from "npm:fast-check@4.11.0";
