/**
 * Small helpers shared by the HTTP back ends: reading a body into spans with a clear error, and
 * discovering (once) which services emit the span we look for.
 *
 * @module
 */
import type { ServerSpan } from "../types.ts";
import { BackendError } from "./http.ts";
import type { BackendCall } from "./http_source.ts";

/**
 * Runs a body → spans parser. A shape error becomes a {@link BackendError} naming the URL; a
 * body whose spans were all unreadable also throws, with the first reason, so the record's
 * note says why instead of waiting silently.
 */
export function readSpans(
  parse: () => { spans: ServerSpan[]; rejected: { where: string; reason: string }[] },
  label: string,
  url: string,
): ServerSpan[] {
  let result;
  try {
    result = parse();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new BackendError(`unexpected answer from ${label} (GET ${url}): ${reason}`);
  }
  if (result.spans.length === 0 && result.rejected.length > 0) {
    const first = result.rejected[0];
    throw new BackendError(
      `${label} sent ${result.rejected.length} span(s) that could not be read, first at ${first.where}: ${first.reason} (GET ${url})`,
    );
  }
  return result.spans;
}

/**
 * Memoises the list of services that emit a span name. A fixed service short-circuits it;
 * a failed discovery is not cached (the next round asks again), nor an empty one (a store that
 * has not seen vLLM's first span yet lists no service), a non-empty one is.
 */
export function cachedServiceDiscovery(
  fixed: string | undefined,
  discover: (spanName: string, call: BackendCall) => Promise<string[]>,
): (spanName: string, call: BackendCall) => Promise<string[]> {
  const cache = new Map<string, string[]>();
  return async (spanName, call) => {
    if (fixed !== undefined) return [fixed];
    const known = cache.get(spanName);
    if (known) return known;
    const services = await discover(spanName, call);
    if (services.length > 0) cache.set(spanName, services);
    return services;
  };
}
