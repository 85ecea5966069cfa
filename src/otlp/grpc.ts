/**
 * OTLP/gRPC trace ingestion: `opentelemetry.proto.collector.trace.v1.TraceService/Export` on a
 * grpc-js server, with raw-bytes (de)serialisers so decoding goes through {@link ./protobuf.ts}.
 *
 * @module
 */
import * as grpc from "../deps/grpc_grpc_js.ts";
import { Buffer } from "node:buffer";
import { bearerTokenMatches } from "./auth.ts";
import { ingestSpans, type ReceiverCounters, type SpanSink } from "./ingest.ts";
import { encodeExportResponse } from "./protobuf.ts";
import { decodeExportMessage, flattenExportMessage } from "./proto_spans.ts";
import { TRACE_EXPORT_METHOD } from "./schema.ts";

/** What the gRPC handler needs from the receiver. */
export interface GrpcHandlerContext {
  /** Where accepted spans go. */
  store: SpanSink;
  /** Counters updated per call. */
  counters: ReceiverCounters;
  /** `grpc.max_receive_message_length`: limit on the message, compressed and decompressed. */
  maxBodyBytes: number;
  /** Keep only spans with this name; null keeps all. */
  spanName: string | null;
  /** When set, calls need `authorization: Bearer <token>` metadata. */
  bearerToken?: string;
}

const identity = (bytes: Buffer): Buffer => bytes;

/** The TraceService definition with raw Buffer (de)serialisation. */
export const traceServiceDefinition: grpc.ServiceDefinition = {
  Export: {
    path: TRACE_EXPORT_METHOD,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

/**
 * The unary Export handler: UNAUTHENTICATED for a bad token, INVALID_ARGUMENT for undecodable
 * bytes, else OK with an empty response or a partial success listing rejected spans.
 * Oversize messages never reach it: grpc-js answers RESOURCE_EXHAUSTED itself.
 */
export function exportHandler(context: GrpcHandlerContext): grpc.handleUnaryCall<Buffer, Buffer> {
  return (call, callback) => {
    const { counters } = context;
    counters.received_requests++;
    const fail = (code: grpc.status, details: string) => {
      counters.bad_requests++;
      callback({ code, details, metadata: new grpc.Metadata() }, null);
    };
    if (context.bearerToken !== undefined) {
      const header = call.metadata.get("authorization")[0];
      if (!bearerTokenMatches(typeof header === "string" ? header : null, context.bearerToken)) {
        return fail(grpc.status.UNAUTHENTICATED, "missing or wrong bearer token");
      }
    }
    try {
      const bytes = new Uint8Array(
        call.request.buffer,
        call.request.byteOffset,
        call.request.length,
      );
      let payload;
      try {
        payload = decodeExportMessage(bytes);
      } catch (error) {
        return fail(
          grpc.status.INVALID_ARGUMENT,
          `message is not a protobuf ExportTraceServiceRequest: ${(error as Error).message}`,
        );
      }
      const result = ingestSpans(
        flattenExportMessage(payload),
        context.store,
        context.spanName,
        counters,
      );
      const partial = result.rejected > 0
        ? { rejectedSpans: result.rejected, errorMessage: result.errorMessage }
        : undefined;
      callback(null, Buffer.from(encodeExportResponse(partial)));
    } catch (error) {
      const code = error instanceof RangeError
        ? grpc.status.INVALID_ARGUMENT
        : grpc.status.INTERNAL;
      fail(code, `payload could not be processed: ${(error as Error).message}`);
    }
  };
}

/** A bound gRPC server and its port. */
export interface BoundGrpcServer {
  /** The grpc-js server (stop it with {@link stopGrpcServer}). */
  server: grpc.Server;
  /** The port it listens on. */
  port: number;
}

/**
 * Starts a grpc-js server serving TraceService/Export on `hostname:port` (0 = a free port),
 * insecure (plaintext HTTP/2), with `grpc.max_receive_message_length` = `maxBodyBytes` (applied
 * by grpc-js to the compressed and the decompressed message). `handler` defaults to
 * {@link exportHandler} of `context` (the receiver worker wraps it).
 */
export async function startGrpcServer(
  hostname: string,
  port: number,
  context: GrpcHandlerContext,
  handler: grpc.handleUnaryCall<Buffer, Buffer> = exportHandler(context),
): Promise<BoundGrpcServer> {
  const server = new grpc.Server({
    "grpc.max_receive_message_length": context.maxBodyBytes,
  });
  server.addService(traceServiceDefinition, { Export: handler });
  const address = hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
      if (error) reject(error);
      else resolve(boundPort);
    });
  }).catch((error: Error) => {
    server.forceShutdown();
    throw new Error(`OTLP gRPC receiver could not listen on ${address}: ${error.message}`, {
      cause: error,
    });
  });
  return { server, port: bound };
}

/**
 * Stops a gRPC server: graceful shutdown, forced after `graceMs` if calls are still running.
 */
export function stopGrpcServer(server: grpc.Server, graceMs = 2_000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.forceShutdown(), graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
