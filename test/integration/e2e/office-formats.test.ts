// PPTX, XLSX and OpenDocument uploads through the embedded API: accepted by their sniffed type,
// parsed into one page per slide or sheet, INDEXED, and found by a word that only they contain.
import { deflateRawSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DocumentStatus } from "../../../gen/docmesh/document/v1/document_pb.ts";
import { SearchMode } from "../../../gen/docmesh/search/v1/search_service_pb.ts";
import { MEDIA_TYPES } from "../../../services/parsing/sniff.ts";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { buildZip } from "../../unit/parsing/fixtures.ts";
import { odf, pptx, xlsx } from "../../unit/parsing/office-fixtures.ts";

const UPLOADS = [
  {
    fileName: "club-outing.pptx",
    content: pptx([
      { boxes: [["Hiking club outing", "Meet at the Quillacollo trailhead at nine."]] },
      {
        boxes: [["Packing list"]],
        table: [
          ["Item", "Who"],
          ["Thermos", "Ana"],
          ["Map", "Ben"],
        ],
      },
      {},
    ]),
    mediaType: MEDIA_TYPES.pptx,
    pages: 3,
    word: "Quillacollo",
  },
  {
    fileName: "seed-swap.xlsx",
    content: xlsx([
      {
        name: "Seeds",
        rows: [
          ["Variety", "Packets"],
          ["Xochimilco tomato", { n: "12" }],
        ],
      },
      { name: "Volunteers", rows: [["Name"], ["Dana"]] },
    ]),
    mediaType: MEDIA_TYPES.xlsx,
    pages: 2,
    word: "Xochimilco",
  },
  {
    fileName: "choir-notes.odt",
    content: odf("text", "<text:p>Choir rehearsal moves to the Tlaquepaque hall on Thursday.</text:p>"),
    mediaType: MEDIA_TYPES.odt,
    pages: 1,
    word: "Tlaquepaque",
  },
  {
    fileName: "book-club.ods",
    content: odf(
      "spreadsheet",
      '<table:table table:name="Books"><table:table-row><table:table-cell><text:p>Popocatepetl stories</text:p></table:table-cell></table:table-row></table:table>',
    ),
    mediaType: MEDIA_TYPES.ods,
    pages: 1,
    word: "Popocatepetl",
  },
  {
    fileName: "garden-tour.odp",
    content: odf(
      "presentation",
      '<draw:page draw:name="p1"><draw:frame><draw:text-box><text:p>Garden tour of Chapultepec</text:p></draw:text-box></draw:frame></draw:page><draw:page draw:name="p2"/>',
    ),
    mediaType: MEDIA_TYPES.odp,
    pages: 2,
    word: "Chapultepec",
  },
];

describe("office formats end to end (embedded)", () => {
  let docmesh: TestDocmesh;

  beforeAll(async () => {
    // The review threshold is 0 so that the built-in classifier's confidence on these short
    // made-up documents cannot turn INDEXED into NEEDS_REVIEW: this test is about the formats.
    docmesh = await startDocmesh("embedded", { reviewThreshold: 0 });
  });
  afterAll(async () => {
    await docmesh?.stop();
  });

  it("an XLSX whose sheets lie about their size is FAILED as a decompression bomb", async () => {
    // Five sheets, each declared as 1 KiB, each inflating to 64 MiB of zeros: 320 MiB, over the
    // 256 MiB default budget, in a 320 KiB upload.
    const sheet = deflateRawSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    const bomb = buildZip([
      { name: "[Content_Types].xml", data: "<Types/>" },
      { name: "xl/workbook.xml", data: "<workbook/>" },
      ...[1, 2, 3, 4, 5].map((i) => ({
        name: `xl/worksheets/sheet${i}.xml`,
        deflated: sheet,
        declaredSize: 1024,
      })),
    ]);
    const { ingestion, progress, metadata } = docmesh.clients;
    const { document } = await ingestion.uploadDocument({ fileName: "bomb.xlsx", content: bomb });
    expect(document?.mediaType).toBe(MEDIA_TYPES.xlsx);
    const name = document?.name ?? "";
    for await (const _ of progress.watchDocument({ name })) {
      // drain until terminal
    }
    const { document: done } = await metadata.getDocument({ name });
    expect(done?.status).toBe(DocumentStatus.FAILED);
    expect(done?.failureReason).toMatch(
      /^parse: decompression_bomb: zip: entry xl\/worksheets\/sheet\d\.xml inflates beyond the limit/,
    );
  });

  it.each(UPLOADS)("$fileName is parsed page by page, INDEXED and searchable", async (upload) => {
    const { ingestion, progress, metadata, search } = docmesh.clients;
    const { document } = await ingestion.uploadDocument({
      fileName: upload.fileName,
      content: upload.content,
      declaredMediaType: upload.mediaType,
    });
    const name = document?.name ?? "";
    expect(document?.mediaType).toBe(upload.mediaType);
    for await (const _ of progress.watchDocument({ name })) {
      // drain until terminal
    }
    const { document: done } = await metadata.getDocument({ name });
    expect(done?.failureReason).toBe("");
    expect(done?.status).toBe(DocumentStatus.INDEXED);
    expect(done?.pageCount).toBe(upload.pages);
    await expect
      .poll(
        async () => {
          const { results } = await search.searchDocuments({ query: upload.word, mode: SearchMode.KEYWORD });
          return results.map((r) => r.document?.name);
        },
        { timeout: 30_000, interval: 500 },
      )
      .toContain(name);
  });
});
