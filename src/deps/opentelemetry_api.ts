// The one place @opentelemetry/api is pinned: code imports it from here, never by a bare specifier.
export * from "npm:@opentelemetry/api@1.10.0";
