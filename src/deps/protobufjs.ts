// The one place protobufjs is pinned: code imports it from here, never by a bare specifier.
export * from "npm:protobufjs@8.8.1";
export { default } from "npm:protobufjs@8.8.1";
