"""Emits `llm_request` spans the way vLLM's V1 engine does, with the OpenTelemetry Python SDK and
its OTLP exporters (the packages in requirements.txt beside this file).

What is reproduced (vLLM 0.32: vllm/tracing/otel.py and OutputProcessor.do_tracing):
- the provider: TracerProvider with a Resource.create() of `vllm.instrumenting_module_name` and
  `vllm.process_id` (a string), one BatchSpanProcessor with default settings, set as the global
  provider, and shut down at the end (vLLM registers that with atexit);
- the exporter: OTEL_EXPORTER_OTLP_TRACES_PROTOCOL `grpc` (default, insecure=True) or
  `http/protobuf` (the endpoint as given, so it includes /v1/traces); anything else is an error;
- the span: tracer of scope `vllm.tracing.otel`, name `llm_request`, kind SERVER, start time
  int(arrival_time * 1e9), parent extracted from the request's traceparent/tracestate with the
  W3C TraceContextTextMapPropagator, attributes set at once, ended "now" with no end time;
- the attributes, with Python's types: ttft/e2e from the frontend clock, queue/prefill/decode/
  inference as differences of the engine-core timestamps, token counts as ints, request id as
  a string, and top_p/max_tokens/temperature/n only when truthy.

Reads one JSON object on stdin:
  {"endpoint": str, "requests": [{"trace_headers": {"traceparent": str, ...},
    "request_id": str, "arrival_time": s, "first_token_latency": s, "iteration_timestamp": s,
    "queued_ts": s, "scheduled_ts": s, "first_token_ts": s, "last_token_ts": s,
    "prompt_tokens": int, "num_generation_tokens": int,
    "top_p"?: float, "max_tokens"?: int, "temperature"?: float, "n"?: int}]}
where arrival_time and iteration_timestamp (frontend wall clock) are seconds relative to
time.time() at the moment the span is emitted (e.g. -0.255), since vLLM ends the span "now";
the other timestamps are on the engine core's monotonic clock. Prints one JSON object: the spans as the SDK recorded them (ids in hex, times in ns as
strings, each attribute as {"type": "int"|"double"|"string"|"bool", "value": ...}), so a test
can check that every value arrived exactly.
"""
import json
import os
import sys
import time

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (
    OTLPSpanExporter as OTLPGrpcExporter,
)
from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
    OTLPSpanExporter as OTLPHttpExporter,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

INSTRUMENTING_MODULE = "vllm.llm_engine"
SPAN_SCOPE = "vllm.tracing.otel"


def span_exporter(endpoint: str):
    protocol = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc")
    if protocol == "grpc":
        return OTLPGrpcExporter(endpoint=endpoint, insecure=True)
    if protocol == "http/protobuf":
        return OTLPHttpExporter(endpoint=endpoint)
    raise ValueError(f"Unsupported OTLP protocol '{protocol}' is configured")


def init_tracer_provider(endpoint: str, recorder: InMemorySpanExporter) -> TracerProvider:
    resource = Resource.create({
        "vllm.instrumenting_module_name": INSTRUMENTING_MODULE,
        "vllm.process_id": str(os.getpid()),
    })
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(span_exporter(endpoint)))
    # Not part of vLLM: keeps a copy of each ended span to print what was sent.
    provider.add_span_processor(SimpleSpanProcessor(recorder))
    trace.set_tracer_provider(provider)
    return provider


def llm_request_attributes(req: dict) -> dict:
    """The attribute dict of do_tracing, computed from the request's timestamps."""
    attributes = {
        "gen_ai.latency.time_to_first_token": req["first_token_latency"],
        "gen_ai.latency.e2e": req["iteration_timestamp"] - req["arrival_time"],
        "gen_ai.latency.time_in_queue": req["scheduled_ts"] - req["queued_ts"],
        "gen_ai.usage.prompt_tokens": req["prompt_tokens"],
        "gen_ai.usage.completion_tokens": req["num_generation_tokens"],
        "gen_ai.latency.time_in_model_prefill": req["first_token_ts"] - req["scheduled_ts"],
        "gen_ai.latency.time_in_model_decode": req["last_token_ts"] - req["first_token_ts"],
        "gen_ai.latency.time_in_model_inference": req["last_token_ts"] - req["scheduled_ts"],
        "gen_ai.request.id": req["request_id"],
    }
    optional = [
        ("top_p", "gen_ai.request.top_p"),
        ("max_tokens", "gen_ai.request.max_tokens"),
        ("temperature", "gen_ai.request.temperature"),
        ("n", "gen_ai.request.n"),
    ]
    for field, key in optional:
        if req.get(field):
            attributes[key] = req[field]
    return attributes


def emit_llm_request(relative: dict) -> None:
    now = time.time()
    req = {
        **relative,
        "arrival_time": now + relative["arrival_time"],
        "iteration_timestamp": now + relative["iteration_timestamp"],
    }
    context = None
    if req.get("trace_headers"):
        context = TraceContextTextMapPropagator().extract(req["trace_headers"])
    tracer = trace.get_tracer(SPAN_SCOPE)
    span = tracer.start_span(
        name="llm_request",
        context=context,
        start_time=int(req["arrival_time"] * 1e9),
        kind=SpanKind.SERVER,
    )
    span.set_attributes(llm_request_attributes(req))
    span.end()


def typed(value) -> dict:
    if isinstance(value, bool):
        return {"type": "bool", "value": value}
    if isinstance(value, int):
        return {"type": "int", "value": value}
    if isinstance(value, float):
        return {"type": "double", "value": value}
    return {"type": "string", "value": str(value)}


def describe(span) -> dict:
    context = span.get_span_context()
    return {
        "trace_id": format(context.trace_id, "032x"),
        "span_id": format(context.span_id, "016x"),
        "parent_span_id": format(span.parent.span_id, "016x") if span.parent else None,
        "name": span.name,
        "kind": span.kind.name,
        "scope": span.instrumentation_scope.name,
        "start_time_unix_nano": str(span.start_time),
        "end_time_unix_nano": str(span.end_time),
        "attributes": {k: typed(v) for k, v in span.attributes.items()},
        "resource": {k: typed(v) for k, v in span.resource.attributes.items()},
    }


def main() -> None:
    job = json.load(sys.stdin)
    recorder = InMemorySpanExporter()
    provider = init_tracer_provider(job["endpoint"], recorder)
    for req in job["requests"]:
        emit_llm_request(req)
    # vLLM's atexit hook: flushes the batch processor, then stops the exporter.
    provider.shutdown()
    print(json.dumps({"spans": [describe(s) for s in recorder.get_finished_spans()]}))


if __name__ == "__main__":
    main()
