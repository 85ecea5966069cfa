// The one place @opentelemetry/exporter-trace-otlp-proto is pinned: code imports it from here, never by a bare specifier.
export * from "npm:@opentelemetry/exporter-trace-otlp-proto@0.301.0";
