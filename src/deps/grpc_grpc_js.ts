// The one place @grpc/grpc-js is pinned: code imports it from here, never by a bare specifier.
export * from "npm:@grpc/grpc-js@1.14.7";
