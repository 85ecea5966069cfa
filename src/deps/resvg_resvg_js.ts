// The one place @resvg/resvg-js is pinned: code imports it from here, never by a bare specifier.
export * from "npm:@resvg/resvg-js@2.6.2";
