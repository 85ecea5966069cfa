// The one place playwright-core is pinned, for the browser tests only (never imported by src/).
export { chromium } from "npm:playwright-core@1.65.2";
export type { Browser, ConsoleMessage, Page } from "npm:playwright-core@1.65.2";
