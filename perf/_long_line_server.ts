/**
 * perf:sse's hostile server, run in its own process: a chat endpoint that answers the prompt
 * "long" with one `data:` line of `--line-mb` MB written in 16 KiB pieces as fast as the socket
 * takes them, and any other prompt with a normal stream of `--steps` content chunks every
 * `--step-ms`. Prints its URL on the first line of stdout; exits when stdin closes.
 *
 * @module
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { type FlagDefinition, parseCommandLine } from "../src/cli/flags.ts";

/** The flags, in --help order. */
const FLAGS = [
  { name: "line-mb", value: "MB", default: "8", help: "size of the one long data: line" },
  { name: "steps", value: "N", default: "500", help: "content chunks of a normal stream" },
  {
    name: "step-ms",
    value: "MS",
    default: "10",
    help: "time between the chunks of a normal stream",
  },
] as const satisfies readonly FlagDefinition[];

const values = parseCommandLine(
  "deno run -A perf/_long_line_server.ts",
  "perf:sse hostile server: a chat endpoint answering the prompt long with one long line.",
  FLAGS,
);
const lineBytes = Math.round(Number(values["line-mb"]) * 1_000_000);
const steps = Number(values.steps);
const stepMs = Number(values["step-ms"]);

const chunk = (content: string, finish: string | null = null) =>
  `data: ${
    JSON.stringify({
      id: "chatcmpl-perf",
      object: "chat.completion.chunk",
      choices: [{ index: 0, delta: { content }, finish_reason: finish }],
    })
  }\n\n`;
const usage = (completion: number) =>
  `data: ${
    JSON.stringify({ choices: [], usage: { prompt_tokens: 1, completion_tokens: completion } })
  }\n\n`;

function write(res: http.ServerResponse, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    res.write(text, () => resolve());
  });
}

async function longLine(res: http.ServerResponse): Promise<void> {
  const head = 'data: {"choices":[{"index":0,"delta":{"content":"';
  const piece = "x".repeat(16 * 1024);
  await write(res, head);
  for (let sent = 0; sent < lineBytes && !res.destroyed; sent += piece.length) {
    await write(res, piece.slice(0, Math.min(piece.length, lineBytes - sent)));
  }
  await write(res, '"},"finish_reason":"length"}]}\n\n' + usage(1) + "data: [DONE]\n\n");
}

async function normal(res: http.ServerResponse): Promise<void> {
  for (let i = 0; i < steps && !res.destroyed; i++) {
    await new Promise((resolve) => setTimeout(resolve, stepMs));
    await write(res, chunk(" tok", i === steps - 1 ? "length" : null));
  }
  await write(res, usage(steps) + "data: [DONE]\n\n");
}

const server = http.createServer(async (req, res) => {
  if (req.url === "/v1/models") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ object: "list", data: [{ id: "m", object: "model" }] }));
    return;
  }
  if (req.method !== "POST") { // e.g. collect's GET /version: this server has none
    res.writeHead(404).end();
    return;
  }
  let body = "";
  for await (const part of req) body += part;
  const prompt = JSON.parse(body).messages?.[0]?.content;
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.flushHeaders();
  await (prompt === "long" ? longLine(res) : normal(res));
  res.end();
});
server.listen(0, "127.0.0.1", () => {
  console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
// The parent closes stdin to stop this process.
(async () => {
  for await (const _ of Deno.stdin.readable) { /* wait for EOF */ }
  server.closeAllConnections();
  server.close();
  Deno.exit(0);
})();
