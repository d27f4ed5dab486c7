// Bad inputs: each is refused before anything is stored, or recorded as a FAILED
// document with a reason — never a crashed worker, never a stuck document.
import { deflateRawSync } from "node:zlib";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DocumentStatus } from "../../gen/docmesh/document/v1/document_pb.ts";
import { type Mode, startDocmesh, type TestDocmesh } from "../support/docmesh.ts";
import { buildZip, encryptedPdf } from "../unit/parsing/fixtures.ts";
import { corpus, readDoc } from "./corpus.ts";

/** A DOCX-shaped zip whose parts inflate to 1 GiB of zeros (about 1 MiB compressed). */
function zipBombDocx(): Uint8Array {
  const partSize = 64 * 1024 * 1024;
  const part = deflateRawSync(Buffer.alloc(partSize), { level: 9 });
  // 16 copies of one deflated 64 MiB part: 1 GiB inflated, far over the parse budget.
  return buildZip([
    {
      name: "[Content_Types].xml",
      data: '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    },
    ...Array.from({ length: 16 }, (_, i) => ({
      name: i === 0 ? "word/document.xml" : `word/pad${i}.xml`,
      deflated: part,
      declaredSize: partSize,
    })),
  ]);
}

export function badInputsSuite(mode: Mode) {
  describe(`bad inputs (${mode})`, () => {
    let docmesh: TestDocmesh;
    const { root, truth } = corpus();
    const pdf = truth.find((t) => t.file.endsWith(".pdf") && !t.needs_ocr);

    beforeAll(async () => {
      docmesh = await startDocmesh(mode);
    }, 180_000);
    afterAll(async () => {
      await docmesh?.stop();
    });

    async function rejection(call: Promise<unknown>): Promise<ConnectError> {
      return call.then(
        () => {
          throw new Error("the call was accepted");
        },
        (e: unknown) => ConnectError.from(e),
      );
    }

    async function failureReasonOf(fileName: string, content: Uint8Array): Promise<string> {
      const { document } = await docmesh.clients.ingestion.uploadDocument({ fileName, content });
      const name = document?.name ?? "";
      for await (const _ of docmesh.clients.progress.watchDocument({ name })) {
        // drain until terminal
      }
      const { document: done } = await docmesh.clients.metadata.getDocument({ name });
      expect(done?.status).toBe(DocumentStatus.FAILED);
      return done?.failureReason ?? "";
    }

    it("a zero-byte file is INVALID_ARGUMENT", async () => {
      const error = await rejection(
        docmesh.clients.ingestion.uploadDocument({ fileName: "empty.pdf", content: new Uint8Array() }),
      );
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.message).toContain("content");
    });

    it("a 51 MiB file is RESOURCE_EXHAUSTED, naming the limit", async () => {
      const big = new Uint8Array(51 * 1024 * 1024);
      big.set(new TextEncoder().encode("%PDF-1.4\n"));
      const error = await rejection(
        docmesh.clients.ingestion.uploadDocument({ fileName: "big.pdf", content: big }),
      );
      expect(error.code).toBe(Code.ResourceExhausted);
      expect(error.message).toContain(String(50 * 1024 * 1024));
    });

    it("a wrong declared media type is INVALID_ARGUMENT", async () => {
      if (!pdf) throw new Error("no text PDF in the corpus");
      const error = await rejection(
        docmesh.clients.ingestion.uploadDocument({
          fileName: "x.png",
          content: readDoc(root, pdf.file),
          declaredMediaType: "image/png",
        }),
      );
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.message).toMatch(/does not match the content, which is application\/pdf/);
    });

    it("unsupported content is INVALID_ARGUMENT", async () => {
      const error = await rejection(
        docmesh.clients.ingestion.uploadDocument({
          fileName: "a.bin",
          content: new Uint8Array([0, 1, 2, 3, 255, 254]),
        }),
      );
      expect(error.code).toBe(Code.InvalidArgument);
    });

    it("a truncated PDF fails with a recorded reason", async () => {
      if (!pdf) throw new Error("no text PDF in the corpus");
      const bytes = readDoc(root, pdf.file);
      expect(await failureReasonOf("truncated.pdf", bytes.slice(0, Math.floor(bytes.length / 3)))).toMatch(
        /^parse: malformed/,
      );
    });

    it("an encrypted PDF fails with reason encrypted", async () => {
      expect(await failureReasonOf("locked.pdf", encryptedPdf())).toMatch(/^parse: encrypted/);
    });

    it("a zip bomb disguised as DOCX fails with reason decompression_bomb", async () => {
      expect(await failureReasonOf("bomb.docx", zipBombDocx())).toMatch(/^parse: decompression_bomb/);
    });
  });
}
