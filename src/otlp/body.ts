/**
 * Reading an untrusted, possibly gzip-compressed request body with a hard size limit on both
 * the bytes received and the bytes after decompression (gzip-bomb safe).
 *
 * @module
 */

/** Why a body could not be read; `status` is the HTTP status to answer with. */
export class BodyError extends Error {
  /** 400 (unreadable or invalid gzip), 413 (over the limit) or 503 (reading was stopped). */
  readonly status: 400 | 413 | 503;
  /** Creates an error carrying its HTTP status. */
  constructor(status: 400 | 413 | 503, message: string) {
    super(message);
    this.name = "BodyError";
    this.status = status;
  }
}

/** Content codings {@link readLimitedBody} understands. */
export type BodyEncoding = "identity" | "gzip";

/**
 * Parses a `Content-Encoding` header value to a {@link BodyEncoding}; null for anything else
 * (including stacked codings such as `gzip, gzip`).
 */
export function parseContentEncoding(header: string | null): BodyEncoding | null {
  const value = (header ?? "").trim().toLowerCase();
  if (value === "" || value === "identity") return "identity";
  if (value === "gzip" || value === "x-gzip") return "gzip";
  return null;
}

// Deflate expands at most ~1032:1. Feeding the decompressor slices of this many bytes bounds what
// one step can allocate to ~1032 × slice, which we keep at about half the limit.
function sliceSizeFor(maxBytes: number): number {
  return Math.min(65_536, Math.max(64, Math.floor(maxBytes / 2_064)));
}

function limitStream(maxBytes: number, what: string): TransformStream<Uint8Array, Uint8Array> {
  let total = 0;
  return new TransformStream({
    transform(chunk, controller) {
      total += chunk.byteLength;
      if (total > maxBytes) {
        controller.error(new BodyError(413, `${what} exceeds the limit of ${maxBytes} bytes`));
        return;
      }
      controller.enqueue(chunk);
    },
  });
}

function sliceStream(sliceBytes: number): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform(chunk, controller) {
      for (let i = 0; i < chunk.byteLength; i += sliceBytes) {
        controller.enqueue(chunk.subarray(i, i + sliceBytes));
      }
    },
  });
}

/**
 * Reads `body` fully, decompressing gzip, and returns the bytes. Throws a {@link BodyError}:
 * 413 as soon as more than `maxBytes` arrive or decompress (reading stops there and the rest of
 * the body is cancelled), 400 for invalid gzip or a failed read, 503 when `signal` aborts (a
 * stalled sender must not keep a closing server open).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readLimitedBody } from "./body.ts";
 * const bytes = await readLimitedBody(new Response("hello").body, "identity", 1024);
 * assert.equal(new TextDecoder().decode(bytes), "hello");
 * ```
 */
export async function readLimitedBody(
  body: ReadableStream<Uint8Array> | null,
  encoding: BodyEncoding,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0);
  if (signal?.aborted) {
    await body.cancel().catch(() => {});
    throw new BodyError(503, "request body not read: the receiver is shutting down");
  }
  let stream = body.pipeThrough(limitStream(maxBytes, "request body"));
  if (encoding === "gzip") {
    stream = stream
      .pipeThrough(sliceStream(sliceSizeFor(maxBytes)))
      .pipeThrough(new DecompressionStream("gzip") as TransformStream<Uint8Array, Uint8Array>)
      .pipeThrough(limitStream(maxBytes, "decompressed request body"));
  }
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const stop = new BodyError(503, "request body not fully read: the receiver is shutting down");
  const onAbort = () => reader.cancel(stop).catch(() => {});
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    while (true) {
      const { done, value } = await reader.read();
      // A cancelled reader reports done: that is an abort, not the end of the body.
      if (signal?.aborted) throw stop;
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
    }
  } catch (error) {
    await reader.cancel(error).catch(() => {});
    if (error instanceof BodyError) throw error;
    if (signal?.aborted) throw stop;
    const reason = error instanceof Error ? error.message : String(error);
    throw new BodyError(
      400,
      encoding === "gzip"
        ? `request body is not valid gzip or could not be read: ${reason}`
        : `request body could not be read: ${reason}`,
    );
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
