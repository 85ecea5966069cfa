"""Independent stand-in server for perf:client (perf/client.ts `--server standin`).

An OpenAI-compatible streaming endpoint (`POST /v1/chat/completions`, `GET /v1/models`,
`GET /now`) in plain Python, single-threaded, stdlib only: it shares no code and no runtime with
the client under test or with src/sim. Its only job is to write content chunks on a schedule and
record, for each one, the time right before and right after the blocking `send()` that handed it
to the kernel. So "lag" measured against it is kernel + client, not the server's write queue.

    python3 perf/_standin_server.py '{"step_ms": 40, "schedule": "burst"}'

prints `READY <url> <clock url>` and then answers line commands on stdin, like
perf/_sim_server.ts: `gt <path>` (ground truth as JSON → `GT <n>`), `cpu` (→ `CPU <user µs>
<system µs>`), `quit`.

Schedules: `burst` writes one chunk to every running stream per engine step, in one loop (as vLLM
and src/sim do); a stream admitted during a step gets its first token at the next step. `spread`
gives every stream its own phase: first token one step after its request, then one per step.

Clock: `now_ms()` is the epoch anchored once at start plus CLOCK_MONOTONIC, the same construction
as the client's `nowMs()`; perf/client.ts measures the remaining offset by pinging `GET /now`.
"""

import heapq
import json
import resource
import selectors
import socket
import sys
import time

_ORIGIN_MS = time.time_ns() / 1e6 - time.monotonic_ns() / 1e6


def now_ms():
    return _ORIGIN_MS + time.monotonic_ns() / 1e6


class Stream:
    """One streaming response in progress."""

    __slots__ = ("conn", "request_id", "remaining", "index", "usage", "before", "after")

    def __init__(self, conn, request_id, max_tokens, usage):
        self.conn = conn
        self.request_id = request_id
        self.remaining = max_tokens
        self.index = 0
        self.usage = usage
        self.before = []
        self.after = []


def chunked(text):
    data = text.encode()
    return b"%x\r\n%s\r\n" % (len(data), data)


def event(request_id, delta, finish):
    finish_json = "null" if finish is None else '"%s"' % finish
    return chunked(
        'data: {"id":"chatcmpl-%s","object":"chat.completion.chunk","created":0,'
        '"model":"standin","choices":[{"index":0,"delta":%s,"logprobs":null,'
        '"finish_reason":%s}]}\n\n' % (request_id, delta, finish_json)
    )


class Server:
    def __init__(self, step_ms, schedule):
        self.step_ms = step_ms
        self.schedule = schedule
        self.selector = selectors.DefaultSelector()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4096)
        self.selector.register(self.listener, selectors.EVENT_READ, "accept")
        self.buffers = {}
        self.running = []  # burst: streams in the batch
        self.waiting = []  # burst: admitted at the next step
        self.due = []  # spread: heap of (due_ms, seq, stream)
        self.seq = 0
        self.next_step_ms = None
        self.finished = []
        self.quit = False

    @property
    def port(self):
        return self.listener.getsockname()[1]

    def accept(self):
        conn, _ = self.listener.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffers[conn] = b""
        self.selector.register(conn, selectors.EVENT_READ, "conn")

    def drop(self, conn):
        self.selector.unregister(conn)
        self.buffers.pop(conn, None)
        conn.close()

    def read(self, conn):
        try:
            data = conn.recv(65536)
        except OSError:
            data = b""
        if not data:
            self.drop(conn)
            return
        buffer = self.buffers[conn] + data
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                break
            lines = buffer[:end].decode("latin-1").split("\r\n")
            method, path = lines[0].split(" ")[:2]
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            if len(buffer) < end + 4 + length:
                break
            body = buffer[end + 4 : end + 4 + length]
            buffer = buffer[end + 4 + length :]
            self.handle(conn, method, path, headers, body)
        if conn in self.buffers:
            self.buffers[conn] = buffer

    def reply(self, conn, status, content_type, body):
        conn.sendall(
            b"HTTP/1.1 %d X\r\ncontent-type: %s\r\ncontent-length: %d\r\n\r\n%s"
            % (status, content_type.encode(), len(body), body)
        )

    def handle(self, conn, method, path, headers, body):
        if method == "GET" and path == "/now":
            self.reply(conn, 200, "text/plain", repr(now_ms()).encode())
        elif method == "GET" and path == "/v1/models":
            models = {"object": "list", "data": [{"id": "standin", "object": "model"}]}
            self.reply(conn, 200, "application/json", json.dumps(models).encode())
        elif method == "POST" and path == "/v1/chat/completions":
            request = json.loads(body)
            request_id = headers.get("x-request-id") or "standin-%d" % self.seq
            usage = bool((request.get("stream_options") or {}).get("include_usage"))
            stream = Stream(conn, request_id, int(request.get("max_tokens") or 16), usage)
            conn.sendall(
                b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                b"cache-control: no-cache\r\ntransfer-encoding: chunked\r\n\r\n"
                + event(request_id, '{"role":"assistant","content":""}', None)
            )
            self.admit(stream)
        else:
            self.reply(conn, 404, "application/json", b'{"error":"not found"}')

    def admit(self, stream):
        if self.schedule == "burst":
            self.waiting.append(stream)
            if self.next_step_ms is None:
                self.next_step_ms = now_ms() + self.step_ms
        else:
            self.seq += 1
            heapq.heappush(self.due, (now_ms() + self.step_ms, self.seq, stream))

    def write_token(self, stream):
        """Writes one content chunk; False when the stream is finished (or its client gone)."""
        stream.index += 1
        stream.remaining -= 1
        last = stream.remaining <= 0
        data = event(
            stream.request_id, '{"content":" t%d"}' % stream.index, "length" if last else None
        )
        if last:
            if stream.usage:
                data += chunked(
                    'data: {"id":"chatcmpl-%s","object":"chat.completion.chunk","created":0,'
                    '"model":"standin","choices":[],"usage":{"prompt_tokens":8,'
                    '"total_tokens":%d,"completion_tokens":%d}}\n\n'
                    % (stream.request_id, 8 + stream.index, stream.index)
                )
            data += chunked("data: [DONE]\n\n") + b"0\r\n\r\n"
        before = now_ms()
        try:
            stream.conn.sendall(data)
        except OSError:
            return False
        stream.before.append(before)
        stream.after.append(now_ms())
        if last:
            self.finished.append(stream)
        return not last

    def step(self):
        """Runs what is due; returns the seconds until the next due write (None: nothing)."""
        now = now_ms()
        if self.schedule == "burst":
            if self.next_step_ms is not None and now >= self.next_step_ms:
                self.running = [s for s in self.running if self.write_token(s)]
                self.running.extend(self.waiting)
                self.waiting = []
                self.next_step_ms = (
                    None if not self.running else max(self.next_step_ms + self.step_ms, now)
                )
            if self.next_step_ms is None:
                return None
            return max(0.0, (self.next_step_ms - now_ms()) / 1000)
        while self.due and self.due[0][0] <= now:
            due, seq, stream = heapq.heappop(self.due)
            if self.write_token(stream):
                heapq.heappush(self.due, (due + self.step_ms, seq, stream))
        if not self.due:
            return None
        return max(0.0, (self.due[0][0] - now_ms()) / 1000)

    def command(self, line):
        parts = line.strip().split(" ", 1)
        if parts[0] == "gt":
            entries = [
                {
                    "request_id": s.request_id,
                    "content_chunk_write_ms": s.before,
                    "content_chunk_flush_ms": s.after,
                }
                for s in self.finished
            ]
            with open(parts[1], "w") as out:
                json.dump(entries, out)
            say("GT %d" % len(entries))
        elif parts[0] == "cpu":
            usage = resource.getrusage(resource.RUSAGE_SELF)
            say("CPU %d %d" % (usage.ru_utime * 1e6, usage.ru_stime * 1e6))
        elif parts[0] == "quit" or parts[0] == "":
            self.quit = True

    def serve(self):
        self.selector.register(sys.stdin, selectors.EVENT_READ, "stdin")
        timeout = None
        while not self.quit:
            for key, _ in self.selector.select(timeout):
                if key.data == "accept":
                    self.accept()
                elif key.data == "conn":
                    self.read(key.fileobj)
                else:
                    self.command(sys.stdin.readline())
            timeout = self.step()


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main():
    options = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    schedule = options.get("schedule", "burst")
    if schedule not in ("burst", "spread"):
        raise SystemExit("schedule must be burst or spread, got %r" % schedule)
    server = Server(float(options.get("step_ms", 40)), schedule)
    url = "http://127.0.0.1:%d" % server.port
    say("READY %s %s/now" % (url, url))
    server.serve()
    say("BYE")


if __name__ == "__main__":
    main()
