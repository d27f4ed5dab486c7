// Progress at scale (issue 6 acceptance): W concurrent WatchBatch watchers of an N-document
// batch, spread over two API processes, one of which is killed (SIGKILL) and restarted
// mid-test. Watchers on it reconnect (to either process) with the last sequence they saw per
// document. Every watcher must see every document reach a terminal state, with per-document
// sequences 1..n: no gap and no repeat across the reconnect.
//
// Sizes: PROGRESS_SCALE_DOCS (default 500) and PROGRESS_SCALE_WATCHERS (default 200).
import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { clientsFor } from "../support/docmesh.ts";
import { type ChildDocmesh, freePort, spawnDocmesh } from "../support/process.ts";

const DOCS = Number(process.env.PROGRESS_SCALE_DOCS ?? 500);
const WATCHERS = Number(process.env.PROGRESS_SCALE_WATCHERS ?? 200);
const TEST_MS = 6 * 60_000;
const UPLOAD_CONCURRENCY = 8;

function at<T>(items: readonly T[], i: number): T {
  const item = items[i];
  if (item === undefined) throw new Error(`no item ${i}`);
  return item;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A small plain-text invoice, distinct per index (identical content would be deduplicated). */
function invoice(run: string, i: number): Uint8Array {
  const amount = (100 + ((i * 7919) % 90_000) / 100).toFixed(2);
  return new TextEncoder().encode(
    [
      "INVOICE",
      `Invoice No. INV-${run}-${i}`,
      `Date: 2026-11-${String((i % 28) + 1).padStart(2, "0")}`,
      "Bill to: Example GmbH, Hauptstrasse 1, 10115 Berlin",
      `Item: consulting services, order ${i}`,
      `Subtotal: EUR ${amount}`,
      `Total: EUR ${amount}`,
      "Payment due within 30 days.",
    ].join("\n"),
  );
}

interface WatcherResult {
  index: number;
  /** Last sequence seen per document name. */
  last: Map<string, bigint>;
  terminal: Set<string>;
  reconnects: number;
  /** The process each resumed stream was served by. */
  resumedOn: number[];
  violations: string[];
}

export function progressScaleSuite() {
  describe("progress at scale: two API processes, one restarted", () => {
    const children: ChildDocmesh[] = [];
    afterAll(async () => {
      for (const child of children) await child.kill("SIGKILL");
    });

    it(
      `${WATCHERS} watchers of a ${DOCS}-document batch see every update, in order, across a restart`,
      async () => {
        const started = Date.now();
        const deadline = new AbortController();
        setMaxListeners(WATCHERS * 4, deadline.signal);
        const deadlineTimer = setTimeout(() => deadline.abort(), TEST_MS - 20_000);
        const tenant = `scale-${randomUUID()}`;
        const ports = [await freePort(), await freePort()];
        const envFor = (port: number): Record<string, string> => ({
          DOCMESH_MODE: "cluster",
          DOCMESH_PORT: String(port),
          DOCMESH_DATA_DIR: mkdtempSync(join(tmpdir(), "docmesh-scale-")),
          DOCMESH_AUTH: "none",
          DOCMESH_DEFAULT_TENANT: tenant,
          DOCMESH_HEARTBEAT_SECONDS: "2",
          DOCMESH_LOG_LEVEL: "info",
        });
        const startApi = async (port: number) => {
          const child = await spawnDocmesh(envFor(port), "api,relay");
          children.push(child);
          return child;
        };
        const apis = await Promise.all(ports.map(startApi));
        const urls = ports.map((p) => `http://127.0.0.1:${p}`);
        // One HTTP/2 connection per process; replaced when the process restarts.
        const clients = urls.map((url) => clientsFor(url));

        // The batch and its documents, uploaded before any worker runs, so every watcher
        // starts with all N documents known and nothing processed yet.
        const { batch } = await at(clients, 1).ingestion.createBatch({ displayName: "scale" });
        const batchName = batch?.name ?? "";
        const run = randomUUID().slice(0, 8);
        let next = 0;
        await Promise.all(
          Array.from({ length: UPLOAD_CONCURRENCY }, async () => {
            for (let i = next++; i < DOCS; i = next++) {
              const { duplicate } = await at(clients, i % 2).ingestion.uploadDocument({
                fileName: `invoice-${i}.txt`,
                content: invoice(run, i),
                batch: batchName,
              });
              expect(duplicate).toBe(false);
            }
          }),
        );
        const uploadedMs = Date.now() - started;

        let killed = false;
        let restartedAt = 0;
        let mostTerminal = 0; // the most terminal documents any watcher has seen
        let onKillThreshold: () => void = () => {};
        const killThreshold = Math.max(1, Math.ceil(DOCS / 20));
        const watch = async (index: number): Promise<WatcherResult> => {
          const result: WatcherResult = {
            index,
            last: new Map(),
            terminal: new Set(),
            reconnects: 0,
            resumedOn: [],
            violations: [],
          };
          const home = index % 2;
          // After a failure, half the watchers move to the other process and half wait for
          // their own process to come back, so both a surviving and a restarted instance serve resumes.
          const moves = Math.floor(index / 2) % 2 === 0;
          for (;;) {
            const target = result.reconnects > 0 && moves ? 1 - home : home;
            const cursors = [...result.last].map(([document, afterSequence]) => ({
              document,
              afterSequence,
            }));
            try {
              const stream = at(clients, target).progress.watchBatch(
                { name: batchName, cursors },
                { signal: deadline.signal },
              );
              let first = true;
              for await (const message of stream) {
                if (first && result.reconnects > 0) result.resumedOn.push(target);
                first = false;
                if (message.message.case !== "update") continue;
                const update = message.message.value;
                const previous = result.last.get(update.document) ?? 0n;
                if (update.sequence !== previous + 1n) {
                  result.violations.push(`${update.document}: ${previous} then ${update.sequence}`);
                }
                if (update.sequence > previous) result.last.set(update.document, update.sequence);
                if (update.terminal) {
                  result.terminal.add(update.document);
                  if (result.terminal.size > mostTerminal) {
                    mostTerminal = result.terminal.size;
                    if (mostTerminal >= killThreshold) onKillThreshold();
                  }
                }
              }
              if (result.terminal.size < DOCS) {
                result.violations.push(`stream ended with ${result.terminal.size}/${DOCS} terminal`);
              }
              return result;
            } catch (error) {
              if (deadline.signal.aborted) {
                result.violations.push(`deadline: ${result.terminal.size}/${DOCS} terminal`);
                return result;
              }
              if (!killed) result.violations.push(`stream failed before the restart: ${String(error)}`);
              result.reconnects++;
              await sleep(250 + Math.random() * 250);
            }
          }
        };
        const thresholdReached = new Promise<void>((resolve) => {
          onKillThreshold = resolve;
        });
        const results = Array.from({ length: WATCHERS }, (_, i) => watch(i));

        // Give every watcher its snapshot (N UPLOADED updates) before any processing starts.
        await sleep(3000);
        const workers = await spawnDocmesh(envFor(await freePort()), "classifier,extractor,indexer");
        children.push(workers);
        const workersAt = Date.now() - started;

        // Kill API process 0 as soon as a watcher has seen 5% of the batch finish (processing is
        // bursty, so waiting longer risks killing after the end), then start it again on the same port.
        await Promise.race([
          thresholdReached,
          new Promise((_, reject) =>
            deadline.signal.addEventListener("abort", () => reject(new Error("the batch did not progress"))),
          ),
        ]);
        killed = true;
        await at(apis, 0).kill("SIGKILL");
        const killedAt = Date.now() - started;
        const doneAtKill = mostTerminal;
        apis[0] = await startApi(at(ports, 0));
        clients[0] = clientsFor(at(urls, 0));
        restartedAt = Date.now() - started;

        const all = await Promise.all(results);
        clearTimeout(deadlineTimer);
        const finishedMs = Date.now() - started;

        // Every watcher agrees on each document's final sequence.
        const reference = at(all, 0).last;
        const disagreements = all.filter(
          (r) => r.last.size !== reference.size || [...r.last].some(([d, s]) => reference.get(d) !== s),
        ).length;
        const reconnected = all.filter((r) => r.reconnects > 0).length;
        const resumedOnRestarted = all.filter((r) => r.resumedOn.includes(0)).length;
        const resumedOnSurvivor = all.filter((r) => r.resumedOn.includes(1)).length;
        const updates = all.reduce((n, r) => n + [...r.last.values()].reduce((m, s) => m + Number(s), 0), 0);
        console.log(
          JSON.stringify({
            documents: DOCS,
            watchers: WATCHERS,
            uploadedMs,
            workersStartedMs: workersAt,
            killedMs: killedAt,
            terminalAtKill: doneAtKill,
            restartedMs: restartedAt,
            finishedMs,
            reconnectedWatchers: reconnected,
            resumedOnRestarted,
            resumedOnSurvivor,
            updatesDelivered: updates,
          }),
        );

        expect(doneAtKill).toBeLessThan(DOCS); // the restart happened mid-batch
        expect(reconnected).toBeGreaterThanOrEqual(Math.floor(WATCHERS / 2));
        expect(resumedOnRestarted).toBeGreaterThan(0);
        expect(resumedOnSurvivor).toBeGreaterThan(0);
        for (const r of all) {
          expect(r.violations, `watcher ${r.index}`).toEqual([]);
          expect(r.terminal.size, `watcher ${r.index}`).toBe(DOCS);
          expect(r.last.size, `watcher ${r.index}`).toBe(DOCS);
        }
        expect(disagreements).toBe(0);
        // Each document went at least UPLOADED → CLASSIFYING → … → terminal.
        for (const sequence of reference.values()) expect(sequence).toBeGreaterThanOrEqual(4n);
      },
      TEST_MS,
    );
  });
}
