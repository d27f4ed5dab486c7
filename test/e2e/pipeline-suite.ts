// The end-to-end acceptance of the pipeline and the query side, run on either mode:
// every corpus document goes in, reaches a terminal state once, and is checked
// against the ground truth; then the corpus queries are run in every search mode.
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Category, type Document, DocumentStatus } from "../../gen/docmesh/document/v1/document_pb.ts";
import type { WatchBatchResponse } from "../../gen/docmesh/progress/v1/progress_service_pb.ts";
import { SearchMode } from "../../gen/docmesh/search/v1/search_service_pb.ts";
import { FIELD_KEYS } from "../../services/ai/ai.ts";
import { fieldMatches, truthFieldName } from "../../services/ai/eval.ts";
import { categoryFromEnum } from "../../services/pipeline/categories.ts";
import { flattenFields } from "../../services/pipeline/fields.ts";
import { type Mode, startDocmesh, type TestDocmesh } from "../support/docmesh.ts";
import { corpus, readDoc } from "./corpus.ts";

export interface Floors {
  classification: number;
  fields: number;
  recallAt5: Record<"keyword" | "semantic" | "hybrid", number>;
  mrr: Record<"keyword" | "semantic" | "hybrid", number>;
}

const TERMINAL = new Set([
  DocumentStatus.INDEXED,
  DocumentStatus.NEEDS_REVIEW,
  DocumentStatus.PARTIAL,
  DocumentStatus.FAILED,
]);

export function pipelineSuite(mode: Mode, floors: Floors) {
  describe(`the pipeline end to end (${mode})`, () => {
    const { root, truth, queries } = corpus();
    let docmesh: TestDocmesh;
    const byFile = new Map<string, Document>();
    const updates: WatchBatchResponse[] = [];
    const rejected: string[] = [];

    beforeAll(async () => {
      docmesh = await startDocmesh(mode);
      const { ingestion, progress } = docmesh.clients;
      const { batch } = await ingestion.createBatch({ displayName: "corpus" });
      const batchName = batch?.name ?? "";
      const abort = new AbortController();
      const watching = (async () => {
        for await (const message of progress.watchBatch({ name: batchName }, { signal: abort.signal })) {
          updates.push(message);
        }
      })();
      // Four uploads at a time, as a client script would.
      const queue = [...truth];
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let record = queue.shift(); record; record = queue.shift()) {
            try {
              const response = await ingestion.uploadDocument({
                fileName: record.file.split("/").pop() ?? record.file,
                content: readDoc(root, record.file),
                batch: batchName,
              });
              byFile.set(record.file, response.document as Document);
            } catch (error) {
              // A format we do not parse is refused up front; it counts as a miss below.
              if (ConnectError.from(error).code !== Code.InvalidArgument) throw error;
              rejected.push(record.file);
            }
          }
        }),
      );
      await watching; // the batch stream ends when every document is terminal
      abort.abort();
      for (const [file, document] of byFile) {
        const { document: latest } = await docmesh.clients.metadata.getDocument({ name: document.name });
        byFile.set(file, latest as Document);
      }
    }, 900_000);

    afterAll(async () => {
      await docmesh?.stop();
    });

    it("brings every document to a terminal state, exactly once, in order", () => {
      console.log(`[${mode}] refused as unsupported: ${rejected.join(", ") || "none"}`);
      expect(rejected.length).toBeLessThanOrEqual(1);
      expect(byFile.size + rejected.length).toBe(truth.length);
      for (const document of byFile.values()) expect(TERMINAL.has(document.status)).toBe(true);
      const perDocument = new Map<string, bigint[]>();
      for (const message of updates) {
        if (message.message.case !== "update") continue;
        const update = message.message.value;
        perDocument.set(update.document, [...(perDocument.get(update.document) ?? []), update.sequence]);
      }
      expect(perDocument.size).toBe(byFile.size);
      for (const sequences of perDocument.values()) {
        expect(sequences).toEqual(sequences.map((_, i) => BigInt(i + 1))); // 1, 2, 3, … no gap, no repeat
      }
      const last = updates.filter((m) => m.message.case === "summary").at(-1);
      expect(last?.message.case === "summary" && last.message.value.terminalDocuments).toBe(byFile.size);
    });

    it("classifies and extracts at or above the floors", () => {
      let correct = 0;
      const fieldScores = new Map<string, { hit: number; total: number }>();
      for (const record of truth) {
        const document = byFile.get(record.file);
        if (!document) continue;
        const predicted =
          document.category === Category.UNSPECIFIED ? "other" : categoryFromEnum(document.category);
        if (predicted === record.category || predicted === record.category_alt) correct++;
        if (predicted !== record.category || !record.fields) continue;
        const fields = flattenFields(document.fields);
        for (const key of FIELD_KEYS[record.category]) {
          const expected = record.fields[truthFieldName(record.category, key)];
          if (expected === undefined) continue;
          const score = fieldScores.get(key) ?? { hit: 0, total: 0 };
          score.total++;
          if (fieldMatches(key, fields[key]?.value, expected)) score.hit++;
          fieldScores.set(key, score);
        }
      }
      const accuracy = correct / truth.length;
      let hits = 0;
      let total = 0;
      const perField: string[] = [];
      for (const [key, score] of fieldScores) {
        hits += score.hit;
        total += score.total;
        perField.push(`${key} ${score.hit}/${score.total}`);
      }
      const fieldAccuracy = total > 0 ? hits / total : 0;
      console.log(
        `[${mode}] classification accuracy ${(accuracy * 100).toFixed(1)}% (${correct}/${truth.length}); ` +
          `field accuracy ${(fieldAccuracy * 100).toFixed(1)}% (${hits}/${total}): ${perField.join(", ")}`,
      );
      expect(accuracy).toBeGreaterThanOrEqual(floors.classification);
      expect(fieldAccuracy).toBeGreaterThanOrEqual(floors.fields);
    });

    it("ranks the relevant documents high in every search mode", async () => {
      const modes = { keyword: SearchMode.KEYWORD, semantic: SearchMode.SEMANTIC, hybrid: SearchMode.HYBRID };
      const nameToFile = new Map([...byFile].map(([file, d]) => [d.name, file]));
      const report: string[] = [];
      for (const [label, mode_] of Object.entries(modes) as [keyof typeof modes, SearchMode][]) {
        let recall = 0;
        let mrr = 0;
        for (const query of queries) {
          const response = await docmesh.clients.search.searchDocuments({
            query: query.query,
            mode: mode_,
            pageSize: 10,
          });
          const ranked = response.results.map((r) => nameToFile.get(r.document?.name ?? "") ?? "");
          const top5 = new Set(ranked.slice(0, 5));
          recall += query.relevant.filter((f) => top5.has(f)).length / query.relevant.length;
          const first = ranked.findIndex((f) => query.relevant.includes(f));
          mrr += first >= 0 ? 1 / (first + 1) : 0;
        }
        recall /= queries.length;
        mrr /= queries.length;
        report.push(`${label}: recall@5 ${recall.toFixed(3)}, MRR ${mrr.toFixed(3)}`);
        expect(recall, `${label} recall@5`).toBeGreaterThanOrEqual(floors.recallAt5[label]);
        expect(mrr, `${label} MRR`).toBeGreaterThanOrEqual(floors.mrr[label]);
      }
      console.log(`[${mode}] search quality over ${queries.length} queries — ${report.join("; ")}`);
    });
  });
}
