/**
 * The HTML report in a real browser: Debian's headless Chromium (setup.sh), driven by
 * playwright-core, opens a report of two simulated runs from file:// with every network request
 * refused, and checks that every chart is drawn by the inlined vega, that nothing was logged as an
 * error or blocked by the Content-Security-Policy, and that hovering a mark shows a tooltip.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Run } from "../../../src/types.ts";
import { collect } from "../../../src/collect/mod.ts";
import { randomDataset } from "../../../src/datasets/mod.ts";
import { enrich, scrapePrometheus } from "../../../src/enrich/mod.ts";
import { startReceiver } from "../../../src/otlp/mod.ts";
import { report } from "../../../src/plot/report.ts";
import { startSimulator } from "../../../src/sim/mod.ts";
import { chromium, type Page } from "./playwright_core.ts";

const CHROMIUM = "/usr/bin/chromium";

/**
 * The few browser globals the page-side callbacks use, typed here: a `lib="dom"` reference would
 * change the global types of every file `deno check` sees. Callbacks run in the page, so each
 * casts `globalThis` itself (they cannot call helpers of this module).
 */
// deno-lint-ignore no-explicit-any
type Element = any;
interface PageGlobals {
  document: {
    addEventListener(type: string, listener: (e: Element) => void): void;
    querySelectorAll(selector: string): { length: number };
    querySelector(selector: string): Element;
    documentElement: { scrollWidth: number };
  };
  innerWidth: number;
  getComputedStyle(element: Element): { overflowX: string };
  cspViolations: string[];
}

const SLO = { ttft_ms: 200, tpot_ms: 50 };

/** Two enriched runs of the simulator (c=2 and c=4), with failures and Prometheus scrapes. */
async function simulatedRuns(): Promise<Run[]> {
  const receiver = await startReceiver({ grpcPort: 0, httpPort: 0 });
  const sim = await startSimulator({
    otlpEndpoint: receiver.grpcEndpoint!,
    exportDelayMs: 50,
    faults: { http500Rate: 0.15 },
    seed: 7,
  });
  try {
    const runs: Run[] = [];
    for (const concurrency of [2, 4]) {
      const before = await scrapePrometheus(sim.url);
      const run = await collect({
        url: sim.url,
        requests: randomDataset({ inputTokens: 64, outputTokens: 12, rangeRatio: 0.5, seed: 1 }),
        count: 16,
        concurrency,
        label: `c=${concurrency}`,
      });
      const after = await scrapePrometheus(sim.url);
      const enriched = await enrich(run, receiver, { timeoutMs: 5_000 });
      runs.push({ ...enriched, meta: { ...enriched.meta, prometheus: { before, after } } });
    }
    return runs;
  } finally {
    await sim.close();
    await receiver.close();
  }
}

/** What the page did that a reader would call broken. */
interface PageTrouble {
  consoleErrors: string[];
  cspViolations: string[];
  networkRequests: string[];
}

async function openOffline(page: Page, url: string): Promise<PageTrouble> {
  const trouble: PageTrouble = { consoleErrors: [], cspViolations: [], networkRequests: [] };
  page.on("console", (m) => {
    if (m.type() === "error") trouble.consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => trouble.consoleErrors.push(String(e)));
  await page.route("**/*", (route) => {
    const target = route.request().url();
    if (target.startsWith("file:")) return route.continue();
    trouble.networkRequests.push(target);
    return route.abort();
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (globalThis as unknown as PageGlobals).cspViolations = seen;
    (globalThis as unknown as PageGlobals).document.addEventListener(
      "securitypolicyviolation",
      (e: Element) => seen.push(`${e.violatedDirective}: ${e.blockedURI}`),
    );
  });
  await page.goto(url, { waitUntil: "load" });
  return trouble;
}

Deno.test("the HTML report draws every chart in headless Chromium offline, under its CSP, with tooltips", async () => {
  try {
    Deno.statSync(CHROMIUM);
  } catch {
    throw new Error(
      `${CHROMIUM} not found: run tests/e2e/browser/setup.sh (apt-get install chromium)`,
    );
  }
  const runs = await simulatedRuns();
  const html = await report({ runs, slo: SLO, title: "browser test" });
  const dir = await Deno.makeTempDir();
  const path = join(dir, "report.html");
  await Deno.writeTextFile(path, html);
  // a fresh profile: playwright passes it to Chromium as --user-data-dir
  const browser = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    const page = await browser.newPage();
    const trouble = await openOffline(page, pathToFileURL(path).href);
    const specs = await page.locator("script.vega-spec").count();
    assert.ok(specs >= 8, `expected the report's charts to be interactive, found ${specs} specs`);
    // every figure with a spec gets the class "rendered" once vega has drawn it
    await page.waitForFunction(
      (n) =>
        (globalThis as unknown as PageGlobals).document.querySelectorAll(
          "figure.rendered .live svg",
        ).length === n,
      specs,
      { timeout: 30_000 },
    );
    const liveCharts = await page.locator("figure.rendered .live svg").count();
    assert.equal(liveCharts, specs);
    const staticShown = await page.locator("figure.rendered .static").evaluateAll((els) =>
      els.filter((e: Element) => e.offsetParent !== null).length
    );
    assert.equal(staticShown, 0, "static SVGs stay hidden once the live chart is drawn");

    // the report states the SLOs and shows the new tables
    const text = await page.locator("main").innerText();
    assert.match(text, /TTFT ≤ 200 ms and TPOT ≤ 50 ms/);
    assert.match(text, /Prometheus counters/);
    assert.match(text, /vllm:prompt_tokens_total/);
    assert.match(text, /Input and output lengths/);
    assert.match(text, /Failed requests by error kind/);

    // wide tables scroll inside their box; the page itself never scrolls sideways
    await page.setViewportSize({ width: 640, height: 900 });
    const widths = await page.evaluate(() => {
      const { document, innerWidth, getComputedStyle } = globalThis as unknown as PageGlobals;
      const box = document.querySelector("section .scroll");
      return {
        page: document.documentElement.scrollWidth,
        viewport: innerWidth,
        box: box.clientWidth,
        table: box.scrollWidth,
        overflow: getComputedStyle(box).overflowX,
      };
    });
    assert.ok(widths.table > widths.box, `a table wider than its box (${JSON.stringify(widths)})`);
    assert.equal(widths.overflow, "auto");
    assert.ok(widths.page <= widths.viewport, `the page fits (${JSON.stringify(widths)})`);
    await page.setViewportSize({ width: 1280, height: 900 });

    // hovering a bar of the first histogram-like chart shows the tooltip
    const mark = page.locator(
      "figure.rendered .live svg path.mark-rect path, " +
        "figure.rendered .live svg .mark-rect path",
    ).first();
    await mark.hover({ force: true });
    const tooltip = page.locator(".vm-tooltip");
    await tooltip.waitFor({ state: "visible", timeout: 5_000 });
    assert.ok((await tooltip.innerText()).trim().length > 0, "the tooltip has text");

    const csp = await page.evaluate(() => (globalThis as unknown as PageGlobals).cspViolations);
    assert.deepEqual(trouble.consoleErrors, [], "no console errors");
    assert.deepEqual(csp, [], "no CSP violations");
    assert.deepEqual(trouble.networkRequests, [], "no network requests");
  } finally {
    await browser.close();
    await Deno.remove(dir, { recursive: true });
  }
});
