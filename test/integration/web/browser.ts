// Debian's Chromium driven by playwright-core (never a downloaded browser), with the flags the
// machines here need (../shared/recipes.md), plus the console build and an axe-core check.

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { build } from "vite";

/** Installed by scripts/browser/chromium.sh (scripts/test.sh runs it). */
export const CHROMIUM = "/usr/bin/chromium";

const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile, at 1280×800. */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "docmesh-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Builds the console from the working tree, so the test runs the code it sits next to. */
export async function buildConsole(): Promise<void> {
  await build({ configFile: join(import.meta.dirname, "../../../web/vite.config.ts"), logLevel: "warn" });
}

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

export interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate('"axe" in window'))) await page.addScriptTag({ path: AXE });
  // A string runs in the page (the test's own TypeScript has no DOM types).
  const results = (await page.evaluate("axe.run(document)")) as AxeResults;
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({
      id: v.id,
      impact: v.impact ?? "",
      help: v.help,
      nodes: v.nodes.map((n) => n.html.slice(0, 120)),
    }));
}

interface AxeResults {
  violations: { id: string; impact?: string; help: string; nodes: { html: string }[] }[];
}

export function screenshotDir(mode: string): string {
  const dir = join(import.meta.dirname, "../../../.docmesh/screenshots", mode);
  mkdirSync(dir, { recursive: true });
  return dir;
}
