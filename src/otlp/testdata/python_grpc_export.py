"""Sends one pre-encoded OTLP ExportTraceServiceRequest with Python's grpcio (the C-core
transport that opentelemetry-exporter-otlp-proto-grpc, and so vLLM, uses) and prints the
outcome as JSON. Test helper for src/otlp/python_client_test.ts.

usage: python_grpc_export.py TARGET MESSAGE_FILE gzip|none [BEARER_TOKEN]
"""
import json
import sys

import grpc

METHOD = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"


def main() -> None:
    target, message_file, compression = sys.argv[1:4]
    token = sys.argv[4] if len(sys.argv) > 4 else None
    with open(message_file, "rb") as f:
        message = f.read()
    metadata = [("authorization", f"Bearer {token}")] if token else None
    with grpc.insecure_channel(target) as channel:
        # No serializers: grpcio passes bytes through unchanged.
        export = channel.unary_unary(METHOD)
        try:
            reply = export(
                message,
                metadata=metadata,
                timeout=10,
                compression=grpc.Compression.Gzip if compression == "gzip" else grpc.Compression.NoCompression,
            )
            print(json.dumps({"code": 0, "details": "", "reply_hex": reply.hex()}))
        except grpc.RpcError as error:
            print(json.dumps({"code": error.code().value[0], "details": error.details(), "reply_hex": ""}))


if __name__ == "__main__":
    main()
