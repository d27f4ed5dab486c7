// The web console in a real browser (Debian Chromium via playwright-core) against a Docmesh with
// JWT auth: sign in, upload three corpus documents (reloading mid-batch), watch them finish, search
// and open one, claim its review task, correct a field, complete, and find the corrected value by
// search. Every screen passes axe-core with no serious violations; screenshots go to
// .docmesh/screenshots/<mode>/.
//   embedded: the API process serves the console; sign-in mints a development token in the page.
//   cluster:  the console and the RPCs through the real Envoy; sign-in pastes a reviewer token.

import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintToken } from "../../../gateway/dev-token.ts";
import { corpusRoot } from "../../e2e/corpus.ts";
import { type Mode, startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { type Edge, startEdge } from "../edge/edge.ts";
import { type Browser, buildConsole, launchBrowser, screenshotDir, seriousViolations } from "./browser.ts";

// An invoice the built-in provider indexes, one it sends to review (doubtful issuer), and an e-mail.
const FILES = ["invoice2data__AzureInterior.pdf", "invoice2data__ENVATO.pdf", "unstructured__family-day.eml"];
const REVIEWED = "invoice2data__ENVATO.pdf";
// A made-up word, so finding it proves the search index holds the reviewer's value.
const CORRECTED_ISSUER = "Envato Quokkaventures Pty Ltd";

export function consoleSuite(mode: Mode): void {
  describe(`web console (${mode}, Chromium)`, () => {
    let docmesh: TestDocmesh;
    let edge: Edge | undefined;
    /** Where the browser goes: the API process (embedded) or Envoy in front of it (cluster). */
    let url = "";
    let browser: Browser;
    let page: Page;
    const shots = screenshotDir(mode);
    const tenant = `web-${randomUUID().slice(0, 8)}`;
    let reviewedId = "";

    const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    const accessible = async (screen: string) => {
      const violations = await seriousViolations(page);
      expect(violations, `${screen}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
    };

    beforeAll(async () => {
      await buildConsole();
      docmesh = await startDocmesh(mode, { auth: "jwt" });
      if (mode === "cluster") edge = await startEdge(docmesh.url);
      url = edge?.url ?? docmesh.url;
      browser = await launchBrowser();
      page = browser.page;
    });
    afterAll(async () => {
      await browser?.close();
      await edge?.stop();
      await docmesh?.stop();
    });

    it(
      mode === "embedded"
        ? "signs in with a development token minted for a tenant"
        : "signs in by pasting a reviewer token",
      async () => {
        await page.goto(url);
        await page.waitForSelector("#token");
        expect(page.url()).toContain("#/sign-in");
        if (mode === "embedded") {
          await page.waitForSelector("#mint");
          await accessible("sign-in");
          await shot("sign-in");
          await page.fill("#tenant", tenant);
          await page.check('input[name="role"][value="reviewer"]');
          await page.click("#mint");
        } else {
          // Envoy routes no minting: the page offers only the paste form.
          expect(await page.locator("#mint").count()).toBe(0);
          await accessible("sign-in");
          await page.fill("#token", await mintToken({ tenant, roles: ["reviewer"] }));
          await page.click('form.card button[type="submit"]');
        }
        await page.waitForSelector(".state.empty");
        expect(await page.textContent(".who")).toContain(`tenant ${tenant}`);
        expect(await page.textContent("#results")).toContain("No documents match");
        await accessible("documents (empty)");
      },
    );

    it("uploads three documents as a batch and follows them to the end, across a reload", async () => {
      await page.goto(`${url}/#/upload`);
      await page.waitForSelector("#dropzone");
      await page.setInputFiles(
        "#files",
        FILES.map((f) => join(corpusRoot(), "docs", f)),
      );
      // Reload once every file is sent: the batch resumes from the saved cursors.
      await page.waitForFunction('document.querySelectorAll("#upload-table a").length === 3');
      await page.reload();
      await page.waitForFunction(
        'document.querySelector("#batch-summary")?.textContent?.startsWith("3 of 3 finished")',
        undefined,
        {
          timeout: 90_000,
        },
      );
      expect(await page.textContent(`#upload-table tr[data-file="${REVIEWED}"] .status`)).toBe(
        "Needs review",
      );
      expect(await page.getAttribute("#batch-progress", "value")).toBe("3");
      await accessible("upload");
      await shot("upload");
    });

    it("searches in each mode with highlights, and opens the document with its fields boxed on the page", async () => {
      await page.goto(`${url}/#/documents?q=Envato&mode=keyword`);
      await page.waitForSelector("#results .cards");
      expect(await page.textContent("#results")).toContain(REVIEWED);
      expect(await page.locator("#results mark").count()).toBeGreaterThan(0);
      await page.selectOption("#mode", "hybrid");
      await page.click('.filters button[type="submit"]');
      await page.waitForURL(/mode=hybrid/);
      await page.waitForSelector("#results .cards");
      await accessible("search");
      await shot("search");

      await page.click(`#results a.title:has-text("${REVIEWED}")`);
      await page.waitForSelector("#fields-table");
      reviewedId = page.url().split("#/documents/")[1] ?? "";
      expect(await page.textContent("#doc-status")).toBe("Needs review");
      expect(await page.textContent('#fields-table tr[data-path="invoice.issuer"]')).toContain("Envato");
      // The boxes sit on the original's first page, rendered by pdf.js: a canvas with ink on it.
      await page.waitForFunction(`(() => {
        const canvas = document.querySelector(".sheet.original canvas");
        if (!canvas?.width) return false;
        const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        return pixels.some((value, i) => i % 4 !== 3 && value < 128);
      })()`);
      expect(await page.locator(".sheet.original .box").count()).toBeGreaterThan(0);
      await page.waitForSelector("#history-title + *:not(.loading)");
      await accessible("document");
      await shot("document");
    });

    it("claims the review task, corrects the issuer with the keyboard and completes it", async () => {
      await page.click('a.button:has-text("Review")');
      await page.waitForSelector("#claim");
      expect(await page.textContent("#claim-state")).toBe("Unclaimed");
      await page.keyboard.press("c");
      await page.waitForFunction(
        'document.querySelector("#claim-state")?.textContent?.startsWith("You hold")',
      );
      // "e" puts the focus on the first doubtful field: the issuer.
      await page.keyboard.press("e");
      await page.waitForFunction('document.activeElement?.getAttribute("data-path") === "invoice.issuer"');
      await page.keyboard.type(CORRECTED_ISSUER);
      expect(await page.inputValue('input[data-path="invoice.issuer"]')).toBe(CORRECTED_ISSUER);
      await page.fill("#review-comment", "issuer as printed in the letterhead");
      await accessible("review");
      await shot("review");
      await page.keyboard.press("Escape");
      await page.keyboard.press("s");
      await page.waitForFunction('document.querySelector("#toast")?.textContent?.startsWith("Completed")');
      expect(await page.textContent("#toast")).toContain("corrected fields");
    });

    it("finds the corrected value by search once the document is re-indexed", async () => {
      const deadline = Date.now() + 60_000;
      let found = false;
      while (!found && Date.now() < deadline) {
        await page.goto(`${url}/#/documents?q=Quokkaventures&mode=keyword&t=${Date.now()}`);
        await page.waitForSelector("#results .cards, #results .state.empty, #results .state.error");
        found = (await page.locator(`#results a.title:has-text("${REVIEWED}")`).count()) > 0;
        if (!found) await page.waitForTimeout(500);
      }
      expect(found).toBe(true);
      expect(await page.textContent("#results .status")).toBe("Indexed");
      await shot("search-corrected");

      await page.click(`#results a.title:has-text("${REVIEWED}")`);
      await page.waitForSelector("#fields-table");
      expect(await page.textContent('#fields-table tr[data-path="invoice.issuer"] td.value')).toBe(
        CORRECTED_ISSUER,
      );
      await page.waitForSelector(".history li");
      expect(await page.textContent(".history")).toContain("issuer as printed in the letterhead");
    });

    it("shows the failed documents screen (empty here) and the review queue once emptied", async () => {
      await page.goto(`${url}/#/failed`);
      await page.waitForSelector("main .state.empty");
      expect(await page.textContent("main")).toContain("No failed documents.");
      await accessible("failed");
      await page.goto(`${url}/#/review`);
      // The only task was completed, so the queue is empty.
      await page.waitForSelector(".queue .state.empty");
      expect(await page.textContent(".queue")).toContain("Nothing to review");
      await accessible("review (empty)");
    });

    it("fits a narrow screen without horizontal scrolling", async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      const screens: [string, string, string][] = [
        ["upload", "#/upload", "#upload-table"],
        ["search", "#/documents?q=invoice&mode=hybrid", "#results .cards"],
        ["document", `#/documents/${reviewedId}`, "#fields-table"],
      ];
      for (const [name, hash, ready] of screens) {
        await page.goto(`${url}/${hash}`);
        await page.waitForSelector(ready);
        const overflow = (await page.evaluate(
          "document.documentElement.scrollWidth - window.innerWidth",
        )) as number;
        expect(overflow, name).toBeLessThanOrEqual(0);
        await accessible(`narrow ${name}`);
        await shot(`narrow-${name}`);
      }
    });
  });
}
