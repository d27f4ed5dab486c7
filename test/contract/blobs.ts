// The BlobStore contract: every adapter (local directory, MinIO) must pass these tests.
// Usage: blobStoreContract("filesystem", async () => ({ store, cleanup }));

import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BlobStore } from "../../services/platform/blobs/blobs.ts";
import { DocmeshError } from "../../services/platform/errors.ts";

export interface BlobStoreSubject {
  store: BlobStore;
  /** HTTP status(es) a presigned PUT gets after its URL expired (S3: 403, filesystem handler: 410). */
  expiredStatuses: number[];
  cleanup?: () => Promise<void>;
}

export function blobStoreContract(name: string, makeStore: () => Promise<BlobStoreSubject>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let subject: BlobStoreSubject;
    let store: BlobStore;
    const prefix = `contract-${randomUUID()}`;
    const key = (suffix: string) => `${prefix}/${suffix}`;

    beforeAll(async () => {
      subject = await makeStore();
      store = subject.store;
      await store.ensure();
      await store.ensure(); // idempotent
    }, 60_000);
    afterAll(async () => {
      await subject?.cleanup?.();
    });

    it("puts, gets and stats bytes exactly", async () => {
      const bytes = new Uint8Array(randomBytes(70_000));
      await store.put(key("a/original.pdf"), bytes, "application/pdf");
      expect(Buffer.from(await store.get(key("a/original.pdf"))).equals(Buffer.from(bytes))).toBe(true);
      expect(await store.stat(key("a/original.pdf"))).toEqual({ size: 70_000 });
    });

    it("overwrites a key with new bytes", async () => {
      await store.put(key("over"), new TextEncoder().encode("first version"), "text/plain");
      await store.put(key("over"), new TextEncoder().encode("second"), "text/plain");
      expect(new TextDecoder().decode(await store.get(key("over")))).toBe("second");
      expect(await store.stat(key("over"))).toEqual({ size: 6 });
    });

    it("stores an empty blob", async () => {
      await store.put(key("empty"), new Uint8Array(0), "application/octet-stream");
      expect((await store.get(key("empty"))).byteLength).toBe(0);
      expect(await store.stat(key("empty"))).toEqual({ size: 0 });
    });

    it("keeps a key and a key below it apart", async () => {
      await store.put(key("nest"), new TextEncoder().encode("parent"), "text/plain");
      await store.put(key("nest/child"), new TextEncoder().encode("child"), "text/plain");
      expect(new TextDecoder().decode(await store.get(key("nest")))).toBe("parent");
      expect(new TextDecoder().decode(await store.get(key("nest/child")))).toBe("child");
    });

    it("answers not_found for a missing key, and stat answers undefined", async () => {
      const error = await store.get(key("missing")).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DocmeshError);
      expect((error as DocmeshError).kind).toBe("not_found");
      expect((error as DocmeshError).retriable).toBe(false);
      expect(await store.stat(key("missing"))).toBeUndefined();
    });

    it("deletes idempotently", async () => {
      await store.put(key("gone"), new Uint8Array([1, 2, 3]), "application/octet-stream");
      await store.delete(key("gone"));
      await store.delete(key("gone"));
      await store.delete(key("never-existed"));
      expect(await store.stat(key("gone"))).toBeUndefined();
      await expect(store.get(key("gone"))).rejects.toMatchObject({ kind: "not_found" });
    });

    it("rejects keys that could escape the store", async () => {
      for (const bad of ["../etc/passwd", "a/../../b", "/abs", "a//b", "", "a/./b", "back\\slash"]) {
        await expect(store.put(bad, new Uint8Array([1]), "text/plain"), bad).rejects.toMatchObject({
          kind: "invalid",
        });
        await expect(store.get(bad), bad).rejects.toMatchObject({ kind: "invalid" });
      }
    });

    it("accepts a presigned PUT from a plain HTTP client, then serves the bytes", async () => {
      const bytes = new Uint8Array(randomBytes(200_000));
      const url = await store.presignPut(key("uploads/big.bin"), 60);
      const response = await fetch(url, { method: "PUT", body: bytes });
      expect(response.status).toBe(200);
      expect(Buffer.from(await store.get(key("uploads/big.bin"))).equals(Buffer.from(bytes))).toBe(true);
      expect(await store.stat(key("uploads/big.bin"))).toEqual({ size: 200_000 });
    });

    it("refuses a presigned PUT whose signature was tampered with", async () => {
      const url = new URL(await store.presignPut(key("uploads/tampered"), 60));
      const param = [...url.searchParams.keys()].find((k) => /signature/i.test(k));
      expect(param).toBeDefined();
      const signature = url.searchParams.get(param as string) as string;
      const last = signature.at(-1) === "0" ? "1" : "0";
      url.searchParams.set(param as string, signature.slice(0, -1) + last);
      const response = await fetch(url, { method: "PUT", body: new Uint8Array([1, 2, 3]) });
      expect(response.status).toBe(403);
      expect(await store.stat(key("uploads/tampered"))).toBeUndefined();
    });

    it("refuses a presigned PUT to another key than the one signed", async () => {
      const url = new URL(await store.presignPut(key("uploads/signed-for-this"), 60));
      url.pathname = url.pathname.replace("signed-for-this", "but-used-for-that");
      const response = await fetch(url, { method: "PUT", body: new Uint8Array([1]) });
      expect(response.status).toBe(403);
      expect(await store.stat(key("uploads/but-used-for-that"))).toBeUndefined();
    });

    it("streams a blob in chunks, byte for byte, and answers not_found before streaming a missing one", async () => {
      const bytes = new Uint8Array(randomBytes(3 * 1024 * 1024 + 17));
      await store.put(key("stream/big"), bytes, "application/octet-stream");
      const hash = createHash("sha256");
      let chunks = 0;
      let size = 0;
      for await (const chunk of await store.read(key("stream/big"))) {
        hash.update(chunk);
        size += chunk.byteLength;
        chunks++;
      }
      expect(size).toBe(bytes.byteLength);
      expect(hash.digest("hex")).toBe(createHash("sha256").update(bytes).digest("hex"));
      expect(chunks).toBeGreaterThan(1);
      await expect(store.read(key("stream/missing"))).rejects.toMatchObject({ kind: "not_found" });
      await expect(store.read("../escape")).rejects.toMatchObject({ kind: "invalid" });
    });

    it("stops reading when the reader stops, leaving the blob readable", async () => {
      await store.put(key("stream/early"), new Uint8Array(randomBytes(2 * 1024 * 1024)), "x");
      for await (const _chunk of await store.read(key("stream/early"))) break;
      expect(await store.stat(key("stream/early"))).toEqual({ size: 2 * 1024 * 1024 });
    });

    it("copies to a new key as a snapshot that later writes to the source never reach", async () => {
      await store.put(key("copy/src"), new TextEncoder().encode("verified bytes"), "text/plain");
      await store.copyNew(key("copy/src"), key("copy/dst"));
      await store.put(key("copy/src"), new TextEncoder().encode("replacement"), "text/plain");
      await store.delete(key("copy/src"));
      expect(new TextDecoder().decode(await store.get(key("copy/dst")))).toBe("verified bytes");
    });

    it("never replaces an existing key by a copy, and copies nothing from a missing source", async () => {
      await store.put(key("copy/kept"), new TextEncoder().encode("original"), "text/plain");
      await store.put(key("copy/other"), new TextEncoder().encode("intruder"), "text/plain");
      await expect(store.copyNew(key("copy/other"), key("copy/kept"))).rejects.toMatchObject({
        kind: "already_exists",
      });
      expect(new TextDecoder().decode(await store.get(key("copy/kept")))).toBe("original");
      await expect(store.copyNew(key("copy/none"), key("copy/fresh"))).rejects.toMatchObject({
        kind: "not_found",
      });
      expect(await store.stat(key("copy/fresh"))).toBeUndefined();
    });

    it("lists the blobs under a prefix, with size and write time, and nothing else", async () => {
      const before = Date.now() - 60_000;
      await store.put(key("listed/a"), new Uint8Array(3), "x");
      await store.put(key("listed/deeper/b"), new Uint8Array(5), "x");
      await store.put(key("listed-not"), new Uint8Array(1), "x");
      const found = [];
      for await (const blob of store.list(key("listed"))) found.push(blob);
      found.sort((a, b) => a.key.localeCompare(b.key));
      expect(found.map(({ key, size }) => ({ key, size }))).toEqual([
        { key: key("listed/a"), size: 3 },
        { key: key("listed/deeper/b"), size: 5 },
      ]);
      for (const blob of found) expect(blob.modified.getTime()).toBeGreaterThan(before);
      const none = [];
      for await (const blob of store.list(key("no-such-prefix"))) none.push(blob);
      expect(none).toEqual([]);
    });

    it("accepts a presigned PUT of exactly the announced size", async () => {
      const bytes = new Uint8Array(randomBytes(4096));
      const url = await store.presignPut(key("uploads/announced"), 60, bytes.byteLength);
      const response = await fetch(url, { method: "PUT", body: bytes });
      expect(response.status).toBe(200);
      expect(await store.stat(key("uploads/announced"))).toEqual({ size: 4096 });
    });

    it("refuses a presigned PUT after its expiry", async () => {
      const url = await store.presignPut(key("uploads/late"), 1);
      await new Promise((resolve) => setTimeout(resolve, 2_200));
      const response = await fetch(url, { method: "PUT", body: new Uint8Array([1, 2, 3]) });
      expect(subject.expiredStatuses).toContain(response.status);
      expect(await store.stat(key("uploads/late"))).toBeUndefined();
    });
  });
}
