// Hostile signed uploads against a real Docmesh: a URL used again after CompleteUpload, a body
// larger than announced, bytes that fail verification, uploads never completed.
import { createHash, randomUUID } from "node:crypto";
import { type Timestamp, timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DocumentStatus } from "../../../gen/docmesh/document/v1/document_pb.ts";
import { SearchMode } from "../../../gen/docmesh/search/v1/search_service_pb.ts";
import { STAGING_PREFIX } from "../../../services/ingestion/ingest.ts";
import { sweepStagedUploads } from "../../../services/ingestion/upload-sweep.ts";
import type { Config } from "../../../services/platform/config.ts";
import { type Mode, startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";

const TERMINAL = new Set([
  DocumentStatus.INDEXED,
  DocumentStatus.NEEDS_REVIEW,
  DocumentStatus.PARTIAL,
  DocumentStatus.FAILED,
]);

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const text = (value: string) => new TextEncoder().encode(value);
const expiryOf = (created: { expireTime?: Timestamp }) =>
  timestampDate(created.expireTime ?? timestampFromDate(new Date(0)));

async function digestOfBlob(docmesh: TestDocmesh, key: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of await docmesh.running.platform.blobs.read(key)) hash.update(chunk);
  return hash.digest("hex");
}

async function codeOf(call: Promise<unknown>): Promise<Code | undefined> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  return error instanceof ConnectError ? error.code : undefined;
}

/** `overrides` lets cluster runs use a bucket of their own: the sweep sees every staged upload. */
export function uploadsSuite(mode: Mode, overrides: Partial<Config> = {}) {
  describe(`hostile signed uploads (${mode})`, () => {
    let docmesh: TestDocmesh;

    beforeAll(async () => {
      docmesh = await startDocmesh(mode, overrides);
    }, 180_000);
    afterAll(async () => {
      await docmesh?.stop();
    });

    async function createUpload(content: Uint8Array, fileName = "note.txt") {
      const created = await docmesh.clients.ingestion.createUpload({
        fileName,
        sizeBytes: BigInt(content.byteLength),
        sha256: sha256(content),
      });
      return { ...created, stagingKey: `${STAGING_PREFIX}/${created.name.slice("uploads/".length)}` };
    }

    async function settle(name: string) {
      for await (const _ of docmesh.clients.progress.watchDocument({ name })) {
        // until the stream ends at a terminal status
      }
      const { document } = await docmesh.clients.metadata.getDocument({ name });
      expect(TERMINAL.has(document?.status ?? DocumentStatus.UNSPECIFIED)).toBe(true);
      return document;
    }

    async function keywordHits(word: string): Promise<string[]> {
      const { results } = await docmesh.clients.search.searchDocuments({
        query: word,
        mode: SearchMode.KEYWORD,
      });
      return results.map((r) => r.document?.name ?? "");
    }

    it("keeps the accepted original when its URL is used again after CompleteUpload, through reprocessing", async () => {
      const tag = randomUUID().replaceAll("-", "");
      const word = tag.slice(0, 8);
      const original = text(`Memo ${tag}: the quokka${word} delivery is confirmed for Tuesday.`);
      // Same length, so only the bytes differ: the PUT is accepted and could have replaced them.
      const replacement = text(`Memo ${tag}: the wombat${word} delivery was cancelled. Pay 0 EUR.`);
      expect(replacement.byteLength).toBe(original.byteLength);
      const created = await createUpload(original);
      expect((await fetch(created.uploadUrl, { method: "PUT", body: original })).status).toBe(200);
      const { document } = await docmesh.clients.ingestion.completeUpload({ name: created.name });
      const name = document?.name ?? "";
      expect(document?.sha256).toBe(sha256(original));
      await settle(name);

      // The URL is still valid: the PUT may be answered, but it can only reach the dead staging key.
      const again = await fetch(created.uploadUrl, { method: "PUT", body: replacement });
      expect(again.status).toBe(200);
      const completedAgain = await docmesh.clients.ingestion.completeUpload({ name: created.name });
      expect(completedAgain.document?.name).toBe(name);

      const id = name.slice("documents/".length);
      expect(await digestOfBlob(docmesh, `originals/${id}`)).toBe(sha256(original));
      const { document: reprocessing } = await docmesh.clients.metadata.reprocessDocument({ name });
      expect(reprocessing?.status).toBe(DocumentStatus.UPLOADED);
      const after = await settle(name);
      expect(after?.sha256).toBe(sha256(original));
      expect(after?.sizeBytes).toBe(BigInt(original.byteLength));
      expect(await keywordHits(`quokka${word}`)).toContain(name);
      expect(await keywordHits(`wombat${word}`)).not.toContain(name);

      // Once the URL has expired, the sweep removes whatever the second PUT left, and only that.
      const expired = new Date(expiryOf(created).getTime() + 1_000);
      const swept = await sweepStagedUploads(
        docmesh.running.platform.blobs,
        docmesh.running.platform.uploads,
        expired,
      );
      expect(swept).toContain(created.stagingKey);
      expect(await docmesh.running.platform.blobs.stat(created.stagingKey)).toBeUndefined();
      expect(await digestOfBlob(docmesh, `originals/${id}`)).toBe(sha256(original));
    }, 120_000);

    it("discards bytes that fail verification at once, and the client can PUT again", async () => {
      const good = text(`Receipt ${randomUUID()} total 12.50 EUR paid by card.`);
      const bad = new Uint8Array(good);
      bad[0] = "X".charCodeAt(0);
      const created = await createUpload(good);
      expect((await fetch(created.uploadUrl, { method: "PUT", body: bad })).status).toBe(200);
      expect(await codeOf(docmesh.clients.ingestion.completeUpload({ name: created.name }))).toBe(
        Code.FailedPrecondition,
      );
      expect(await docmesh.running.platform.blobs.stat(created.stagingKey)).toBeUndefined();
      const id = created.name.slice("uploads/".length);
      expect(await docmesh.running.platform.blobs.stat(`originals/${id}`)).toBeUndefined();

      expect((await fetch(created.uploadUrl, { method: "PUT", body: good })).status).toBe(200);
      const { document } = await docmesh.clients.ingestion.completeUpload({ name: created.name });
      expect(document?.sha256).toBe(sha256(good));
      expect(await docmesh.running.platform.blobs.stat(created.stagingKey)).toBeUndefined();
    });

    it("sweeps the bytes of an upload never completed, once it expired and not before", async () => {
      const content = text(`Abandoned ${randomUUID()}`);
      const created = await createUpload(content);
      expect((await fetch(created.uploadUrl, { method: "PUT", body: content })).status).toBe(200);
      const { blobs, uploads } = docmesh.running.platform;
      const expireTime = expiryOf(created);
      expect(await sweepStagedUploads(blobs, uploads, new Date(expireTime.getTime() - 1_000))).not.toContain(
        created.stagingKey,
      );
      expect(await blobs.stat(created.stagingKey)).toEqual({ size: content.byteLength });
      expect(await sweepStagedUploads(blobs, uploads, new Date(expireTime.getTime() + 1_000))).toContain(
        created.stagingKey,
      );
      expect(await blobs.stat(created.stagingKey)).toBeUndefined();
    });

    it("sweeps staged bytes that belong to no upload, after an hour's grace", async () => {
      const { blobs, uploads } = docmesh.running.platform;
      const orphans = [`${STAGING_PREFIX}/${randomUUID()}`, `${STAGING_PREFIX}/not-an-upload-id`];
      for (const key of orphans) await blobs.put(key, text("left behind"), "text/plain");
      const soon = await sweepStagedUploads(blobs, uploads, new Date(Date.now() + 30 * 60_000));
      for (const key of orphans) expect(soon).not.toContain(key);
      const later = await sweepStagedUploads(blobs, uploads, new Date(Date.now() + 2 * 3_600_000));
      for (const key of orphans) {
        expect(later).toContain(key);
        expect(await blobs.stat(key)).toBeUndefined();
      }
    });

    it("never accepts a body larger than announced, and keeps none of it", async () => {
      const announced = text("ten bytes!");
      const created = await createUpload(announced);
      const big = new Uint8Array(8 * 1024 * 1024).fill(0x61);
      const response = await fetch(created.uploadUrl, { method: "PUT", body: big }).catch((e: unknown) => e);
      if (mode === "embedded") {
        // The route stops at the size the URL was signed for.
        expect(response instanceof Response ? response.status : response).toBe(413);
      } else {
        // An S3 presigned PUT cannot bind the size: the bytes land on the staging key, and
        // CompleteUpload refuses and deletes them.
        expect(response instanceof Response ? response.status : response).toBe(200);
        expect(await codeOf(docmesh.clients.ingestion.completeUpload({ name: created.name }))).toBe(
          Code.FailedPrecondition,
        );
      }
      expect(await docmesh.running.platform.blobs.stat(created.stagingKey)).toBeUndefined();
      expect(await codeOf(docmesh.clients.ingestion.completeUpload({ name: created.name }))).toBe(
        Code.FailedPrecondition,
      );
    });
  });
}
