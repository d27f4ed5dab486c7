// The SearchIndex contract: the embedded engine (PGlite) and OpenSearch must pass the same tests.
// Usage: searchIndexContract("embedded", async () => ({ index, cleanup }));

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  Category,
  IndexedDocument,
  IndexHit,
  SearchFilter,
  SearchIndex,
} from "../../services/platform/index/search-index.ts";

export interface SearchIndexSubject {
  index: SearchIndex;
  cleanup?: () => Promise<void>;
}

const DIMS = 8;

/** A unit vector pointing mostly along axis `axis`, nudged by `twist` so vectors differ. */
export function axisVector(axis: number, twist = 0, dims = DIMS): Float32Array {
  const v = new Float32Array(dims);
  for (let i = 0; i < dims; i++) v[i] = 0.05 + ((i * 7 + twist * 3) % 5) * 0.01;
  v[axis % dims] = 1;
  v[(axis + 1) % dims] = (v[(axis + 1) % dims] as number) + twist * 0.1;
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  return v.map((x) => x / norm);
}

interface DocSpec {
  id: string;
  tenant?: string;
  title?: string;
  fileName?: string;
  fieldsText?: string;
  category?: Category;
  status?: string;
  batch?: string;
  createTime?: Date;
  documentDate?: string;
  totalAmount?: number;
  currency?: string;
  chunks: { text: string; vector: Float32Array }[];
}

export function searchIndexContract(name: string, makeIndex: () => Promise<SearchIndexSubject>): void {
  describe(`SearchIndex contract: ${name}`, () => {
    let subject: SearchIndexSubject;
    let index: SearchIndex;
    const run = randomUUID().slice(0, 8);
    const tenantA = `tenant-a-${run}`;
    const tenantB = `tenant-b-${run}`;

    const doc = (spec: DocSpec): IndexedDocument => ({
      tenant: spec.tenant ?? tenantA,
      documentId: spec.id,
      fileName: spec.fileName ?? `${spec.id}.pdf`,
      title: spec.title ?? "",
      category: spec.category ?? "other",
      status: spec.status ?? "INDEXED",
      batch: spec.batch ?? "batch-1",
      createTime: spec.createTime ?? new Date("2024-01-10T10:00:00Z"),
      documentDate: spec.documentDate,
      totalAmount: spec.totalAmount,
      currency: spec.currency,
      fieldsText: spec.fieldsText ?? "",
      chunks: spec.chunks.map((c, ordinal) => ({ ordinal, text: c.text, embedding: c.vector })),
    });
    const ids = (hits: IndexHit[]) => hits.map((h) => h.documentId);
    const keyword = (text: string, filter: SearchFilter = {}, tenant = tenantA, limit = 20) =>
      index.keyword({ tenant, filter, limit, text });
    const semantic = (vector: Float32Array, filter: SearchFilter = {}, tenant = tenantA, limit = 20) =>
      index.semantic({ tenant, filter, limit, vector });

    // The filter fixtures: every document says "ledger", each differs in one typed field.
    const filtered: DocSpec[] = [
      {
        id: "f-inv-eur",
        category: "invoice",
        status: "INDEXED",
        batch: "batch-x",
        createTime: new Date("2024-03-01T00:00:00Z"),
        documentDate: "2024-02-15",
        totalAmount: 120.5,
        currency: "EUR",
        chunks: [{ text: "ledger entry for office chairs", vector: axisVector(0, 1) }],
      },
      {
        id: "f-inv-usd",
        category: "invoice",
        status: "NEEDS_REVIEW",
        batch: "batch-y",
        createTime: new Date("2024-04-01T00:00:00Z"),
        documentDate: "2024-03-20",
        totalAmount: 980,
        currency: "usd",
        chunks: [{ text: "ledger entry for laptops", vector: axisVector(0, 2) }],
      },
      {
        id: "f-receipt",
        category: "receipt",
        status: "INDEXED",
        batch: "batch-x",
        createTime: new Date("2024-05-01T00:00:00Z"),
        documentDate: "2024-04-30",
        totalAmount: 15,
        currency: "MYR",
        chunks: [{ text: "ledger of a seafood dinner", vector: axisVector(0, 3) }],
      },
      {
        id: "f-contract",
        category: "contract",
        status: "PARTIAL",
        batch: "batch-z",
        createTime: new Date("2024-06-01T00:00:00Z"),
        documentDate: "2023-12-31",
        chunks: [{ text: "ledger clauses of a service agreement", vector: axisVector(0, 4) }],
      },
    ];

    beforeAll(async () => {
      subject = await makeIndex();
      index = subject.index;
      await index.ensure(DIMS);
      await index.ensure(DIMS); // idempotent
      const fixtures: DocSpec[] = [
        ...filtered,
        {
          id: "rare",
          title: "Quarterly memo",
          chunks: [
            {
              text: "The shipment of feathers from the quetzal farm arrived with the invoice.",
              vector: axisVector(3),
            },
            { text: "Other paragraphs mention the invoice and the warehouse.", vector: axisVector(4) },
          ],
        },
        {
          id: "common-1",
          title: "Warehouse invoice",
          chunks: [
            { text: "The invoice lists the warehouse shelves and the invoice total.", vector: axisVector(5) },
          ],
        },
        {
          id: "common-2",
          title: "Another memo",
          chunks: [
            { text: "An invoice for warehouse cleaning services was approved.", vector: axisVector(6) },
          ],
        },
        {
          id: "title-hit",
          title: "Aurora borealis photography report",
          chunks: [{ text: "Camera settings and travel notes.", vector: axisVector(7, 1) }],
        },
        {
          id: "body-hit",
          title: "Travel diary",
          chunks: [
            {
              text: "We stayed up late; the aurora appeared briefly over the lake while we cooked dinner and talked.",
              vector: axisVector(7, 2),
            },
          ],
        },
        {
          id: "accents",
          title: "Facture",
          fieldsText: "issuer: Au bon moulin",
          chunks: [
            {
              text: "Crème brûlée, huile d'olive et nougat. Fremdwährung: Zahlung in Pfund.",
              vector: axisVector(1, 5),
            },
          ],
        },
        {
          id: "html",
          title: "Markup",
          chunks: [{ text: "The okapi <script>alert(1)</script> & friends.", vector: axisVector(2, 7) }],
        },
        {
          id: "no-chunks",
          title: "Scanned placeholder for the Xylophone rental",
          fieldsText: "issuer: Maestro Instruments",
          chunks: [],
        },
        {
          id: "secret-b",
          tenant: tenantB,
          title: "Tenant B zanzibarite ledger",
          category: "invoice",
          status: "INDEXED",
          batch: "batch-x",
          documentDate: "2024-02-15",
          totalAmount: 120.5,
          currency: "EUR",
          chunks: [{ text: "zanzibarite ledger for office chairs", vector: axisVector(0, 1) }],
        },
      ];
      for (const spec of fixtures) await index.upsert(doc(spec));
    }, 120_000); // opening PGlite takes 4-10 s on a busy machine

    afterAll(async () => {
      await subject?.cleanup?.();
    }, 60_000);

    it("counts chunks per tenant", async () => {
      // 4 filter docs + rare(2) + common(1+1) + title/body(1+1) + accents(1) + html(1) + no-chunks(0)
      expect(await index.countChunks(tenantA)).toBe(12);
      expect(await index.countChunks(tenantB)).toBe(1);
      expect(await index.countChunks(`nobody-${run}`)).toBe(0);
    });

    it("ranks the document containing the rare term first", async () => {
      const hits = await keyword("quetzal invoice");
      expect(ids(hits)[0]).toBe("rare");
      const single = await keyword("quetzal");
      expect(ids(single)).toEqual(["rare"]);
    });

    it("returns each document once, represented by its best chunk", async () => {
      const hits = await keyword("invoice");
      expect(new Set(ids(hits)).size).toBe(hits.length);
      expect(ids(hits)).toEqual(expect.arrayContaining(["rare", "common-1", "common-2"]));
      const near = await semantic(axisVector(3));
      expect(ids(near).filter((id) => id === "rare")).toHaveLength(1);
    });

    it("ranks a title match above a passing mention in the text", async () => {
      const hits = await keyword("aurora");
      expect(ids(hits).slice(0, 2)).toEqual(["title-hit", "body-hit"]);
    });

    it("still answers a long natural-language query that no document matches in full", async () => {
      const hits = await keyword("which shipment talked about quetzal feathers and volcanoes last spring");
      expect(ids(hits)[0]).toBe("rare");
    });

    it("highlights matches with <em>", async () => {
      const [hit] = await keyword("quetzal");
      expect(hit?.highlights.length).toBeGreaterThan(0);
      expect(hit?.highlights.some((h) => /<em>quetzal<\/em>/i.test(h.snippet))).toBe(true);
      expect(hit?.score).toBeGreaterThan(0);
    });

    it("escapes HTML in snippets, keeping <em> as the only markup", async () => {
      const [hit] = await keyword("okapi");
      const snippets = hit?.highlights.map((h) => h.snippet).join(" ") ?? "";
      expect(snippets).toMatch(/<em>okapi<\/em>/i);
      // Tags in the text are escaped (OpenSearch) or dropped (ts_headline); either way the only
      // markup left is <em>.
      expect(snippets).not.toMatch(/<(?!\/?em>)/);
      expect(snippets).toContain("&amp; friends");
      const [near] = await semantic(axisVector(2, 7));
      expect(near?.documentId).toBe("html");
      expect(near?.highlights[0]?.snippet).toContain("&lt;script&gt;");
    });

    it("folds accents both ways (asciifolding / unaccent)", async () => {
      expect(ids(await keyword("creme brulee"))).toEqual(["accents"]);
      expect(ids(await keyword("Fremdwahrung"))).toEqual(["accents"]);
      expect(ids(await keyword("crème"))).toEqual(["accents"]);
    });

    it("searches the title and extracted fields of a document without chunks", async () => {
      expect(ids(await keyword("xylophone"))).toEqual(["no-chunks"]);
      expect(ids(await keyword("Maestro Instruments"))).toEqual(["no-chunks"]);
    });

    it("searches extracted fields and file names", async () => {
      expect(ids(await keyword("moulin"))).toEqual(["accents"]);
      expect(ids(await keyword("f-inv-eur"))).toContain("f-inv-eur");
    });

    it("returns the nearest vector first, with the score falling with distance", async () => {
      const hits = await semantic(axisVector(5));
      expect(ids(hits)[0]).toBe("common-1");
      const scores = hits.map((h) => h.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      expect(scores[0]).toBeGreaterThan(0.99);
      const second = await semantic(axisVector(7, 2));
      expect(ids(second)[0]).toBe("body-hit");
    });

    it("respects the limit", async () => {
      expect(await keyword("ledger", {}, tenantA, 2)).toHaveLength(2);
      expect(await semantic(axisVector(0), {}, tenantA, 3)).toHaveLength(3);
    });

    const filterCases: [string, SearchFilter, string[]][] = [
      ["categories", { categories: ["invoice"] }, ["f-inv-eur", "f-inv-usd"]],
      ["several categories", { categories: ["receipt", "contract"] }, ["f-receipt", "f-contract"]],
      ["statuses", { statuses: ["NEEDS_REVIEW", "PARTIAL"] }, ["f-inv-usd", "f-contract"]],
      ["batch", { batch: "batch-x" }, ["f-inv-eur", "f-receipt"]],
      [
        "createTimeAfter (inclusive)",
        { createTimeAfter: new Date("2024-05-01T00:00:00Z") },
        ["f-receipt", "f-contract"],
      ],
      ["createTimeBefore (exclusive)", { createTimeBefore: new Date("2024-04-01T00:00:00Z") }, ["f-inv-eur"]],
      ["documentDateFrom (inclusive)", { documentDateFrom: "2024-03-20" }, ["f-inv-usd", "f-receipt"]],
      ["documentDateTo (inclusive)", { documentDateTo: "2024-02-15" }, ["f-inv-eur", "f-contract"]],
      ["totalAmountMin", { totalAmountMin: 100 }, ["f-inv-eur", "f-inv-usd"]],
      ["totalAmountMax", { totalAmountMax: 120.5 }, ["f-inv-eur", "f-receipt"]],
      ["currency (case-insensitive)", { currency: "USD" }, ["f-inv-usd"]],
      [
        "everything at once",
        {
          categories: ["invoice", "receipt"],
          statuses: ["INDEXED"],
          batch: "batch-x",
          createTimeAfter: new Date("2024-01-01T00:00:00Z"),
          createTimeBefore: new Date("2024-12-31T00:00:00Z"),
          documentDateFrom: "2024-01-01",
          documentDateTo: "2024-12-31",
          totalAmountMin: 100,
          totalAmountMax: 200,
          currency: "eur",
        },
        ["f-inv-eur"],
      ],
      ["empty lists mean no filter", { categories: [], statuses: [] }, filtered.map((f) => f.id)],
    ];
    for (const [label, filter, expected] of filterCases) {
      it(`filters by ${label} in keyword and semantic search`, async () => {
        expect(ids(await keyword("ledger", filter)).sort()).toEqual([...expected].sort());
        const near = ids(await semantic(axisVector(0), filter, tenantA, 50));
        expect(near.filter((id) => id.startsWith("f-")).sort()).toEqual([...expected].sort());
        // The other fixtures (created 2024-01-10, batch-1, category other, no amounts) fail
        // every filter except createTimeBefore, so nothing else may appear.
        if (
          Object.keys(filter).length > 0 &&
          !label.startsWith("empty") &&
          !label.startsWith("createTimeBefore")
        ) {
          expect(near.every((id) => expected.includes(id))).toBe(true);
        }
      });
    }

    it("never shows tenant B's documents to tenant A, whatever the filter", async () => {
      const filters: SearchFilter[] = [
        {},
        { categories: ["invoice"] },
        { batch: "batch-x" },
        { currency: "EUR", totalAmountMin: 0, totalAmountMax: 1e9 },
        { documentDateFrom: "2000-01-01", documentDateTo: "2100-01-01" },
      ];
      for (const filter of filters) {
        expect(ids(await keyword("zanzibarite", filter))).toEqual([]);
        expect(ids(await keyword("ledger", filter))).not.toContain("secret-b");
        expect(ids(await semantic(axisVector(0, 1), filter, tenantA, 100))).not.toContain("secret-b");
      }
      expect(ids(await keyword("zanzibarite", {}, tenantB))).toEqual(["secret-b"]);
      expect(ids(await semantic(axisVector(0, 1), {}, tenantB))).toEqual(["secret-b"]);
      // Tenant B deleting A's document id is a no-op for A.
      await index.delete(tenantB, "f-inv-eur");
      expect(ids(await keyword("ledger", { categories: ["invoice"] }))).toContain("f-inv-eur");
    });

    it("replaces a document on upsert (old chunks gone, new fields searchable)", async () => {
      const spec: DocSpec = {
        id: "replace-me",
        title: "Draft",
        category: "report",
        chunks: [
          { text: "old wording about pelicans", vector: axisVector(2, 1) },
          { text: "more old wording about pelicans", vector: axisVector(2, 2) },
          { text: "even more pelicans", vector: axisVector(2, 3) },
        ],
      };
      await index.upsert(doc(spec));
      expect(ids(await keyword("pelicans"))).toEqual(["replace-me"]);
      const before = await index.countChunks(tenantA);
      await index.upsert(
        doc({
          ...spec,
          category: "contract",
          chunks: [{ text: "new wording about flamingos", vector: axisVector(6, 4) }],
        }),
      );
      await index.upsert(
        doc({
          ...spec,
          category: "contract",
          chunks: [{ text: "new wording about flamingos", vector: axisVector(6, 4) }],
        }),
      );
      expect(await index.countChunks(tenantA)).toBe(before - 2);
      expect(ids(await keyword("pelicans"))).toEqual([]);
      expect(ids(await keyword("flamingos"))).toEqual(["replace-me"]);
      expect(ids(await keyword("flamingos", { categories: ["report"] }))).toEqual([]);
      expect(ids(await keyword("flamingos", { categories: ["contract"] }))).toEqual(["replace-me"]);
      expect(ids(await semantic(axisVector(2, 1), { categories: ["report"] }))).not.toContain("replace-me");
    });

    it("removes a document on delete, idempotently", async () => {
      await index.upsert(
        doc({ id: "delete-me", chunks: [{ text: "ephemeral marmoset notes", vector: axisVector(4, 4) }] }),
      );
      expect(ids(await keyword("marmoset"))).toEqual(["delete-me"]);
      const before = await index.countChunks(tenantA);
      await index.delete(tenantA, "delete-me");
      await index.delete(tenantA, "delete-me");
      await index.delete(tenantA, "never-existed");
      expect(await index.countChunks(tenantA)).toBe(before - 1);
      expect(ids(await keyword("marmoset"))).toEqual([]);
      expect(ids(await semantic(axisVector(4, 4)))).not.toContain("delete-me");
    });

    it("searches keyword-only chunks by keyword and vector-only passages by vector (with their text shown)", async () => {
      const tenant = `tenant-p-${run}`;
      await index.upsert({
        ...doc({ id: "two-layers", tenant, chunks: [] }),
        chunks: [
          { ordinal: 0, text: "the whole page about albatross migration routes" },
          { ordinal: 1, text: "a passage on seabirds", embedding: axisVector(5, 2), vectorOnly: true },
        ],
      });
      expect(ids(await keyword("albatross", {}, tenant))).toEqual(["two-layers"]);
      // The passage's words are not searched by keyword: it is there for its vector.
      expect(ids(await keyword("seabirds", {}, tenant))).toEqual([]);
      const [hit] = await semantic(axisVector(5, 2), {}, tenant);
      expect(hit?.documentId).toBe("two-layers");
      expect(hit?.highlights[0]?.snippet).toContain("seabirds");
      await expect(
        index.upsert({
          ...doc({ id: "no-vector", tenant, chunks: [] }),
          chunks: [{ ordinal: 0, text: "x", vectorOnly: true }],
        }),
      ).rejects.toMatchObject({ kind: "invalid" });
    });

    it("answers nothing for a query without words, and rejects a missing tenant", async () => {
      expect(await keyword("  ,;  ")).toEqual([]);
      await expect(index.keyword({ tenant: "", filter: {}, limit: 5, text: "ledger" })).rejects.toMatchObject(
        {
          kind: "invalid",
        },
      );
      await expect(
        index.semantic({ tenant: "", filter: {}, limit: 5, vector: axisVector(0) }),
      ).rejects.toMatchObject({ kind: "invalid" });
    });

    it("rejects vectors of the wrong dimension", async () => {
      await expect(semantic(new Float32Array(DIMS + 1))).rejects.toMatchObject({ kind: "invalid" });
      await expect(
        index.upsert(doc({ id: "bad-dims", chunks: [{ text: "x", vector: new Float32Array(3) }] })),
      ).rejects.toMatchObject({ kind: "invalid" });
    });
  });
}
