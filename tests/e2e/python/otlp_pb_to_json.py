"""Prints an OTLP/protobuf ExportTraceServiceRequest file as OTLP/JSON, with the protobuf
runtime and the generated OTLP classes from opentelemetry-proto (an independent encoder of
the project's own). OTLP/JSON is proto3 JSON except that trace and span ids are hex, not
base64, and enums are numbers (OTLP specification, "JSON Protobuf Encoding").

usage: otlp_pb_to_json.py EXPORT.pb
"""
import base64
import json
import sys

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
)

ID_FIELDS = {"traceId", "spanId", "parentSpanId"}


def hex_ids(node):
    if isinstance(node, dict):
        return {
            key: base64.b64decode(value).hex() if key in ID_FIELDS else hex_ids(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [hex_ids(item) for item in node]
    return node


def main() -> None:
    with open(sys.argv[1], "rb") as f:
        message = ExportTraceServiceRequest.FromString(f.read())
    document = json_format.MessageToDict(message, use_integers_for_enums=True)
    print(json.dumps(hex_ids(document), indent=2))


if __name__ == "__main__":
    main()
