// The one place @opentelemetry/sdk-trace is pinned: code imports it from here, never by a bare specifier.
export * from "npm:@opentelemetry/sdk-trace@3.1.0";
