// The one place @opentelemetry/resources is pinned: code imports it from here, never by a bare specifier.
export * from "npm:@opentelemetry/resources@3.1.0";
