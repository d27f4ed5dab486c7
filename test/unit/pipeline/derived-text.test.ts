// The parsed-text hand-off: always saved to the store; handed over from memory only within the
// process that saved it and only for the same original; deleted from both.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ParsedDocument } from "../../../services/parsing/types.ts";
import {
  deleteParsedText,
  loadParsedText,
  releaseParsedText,
  saveParsedText,
} from "../../../services/pipeline/derived-text.ts";
import { FilesystemBlobStore } from "../../../services/platform/blobs/filesystem.ts";

const parsed = (text: string): ParsedDocument => ({
  mediaType: "text/plain",
  pages: [text],
  text,
  pageCount: 1,
  language: "en",
  ocr: false,
});

describe("parsed text hand-off", () => {
  let root: string;
  let blobs: FilesystemBlobStore;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "docmesh-derived-"));
    blobs = new FilesystemBlobStore({
      root,
      publicBaseUrl: "http://127.0.0.1:1",
      signingKey: "k".repeat(32),
    });
    await blobs.ensure();
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("hands the saved text over from memory for the same original, and keeps it in the store", async () => {
    const saved = parsed("Invoice 42, total 10.00");
    await saveParsedText(blobs, "doc-1", saved, "sha-a");
    expect(await loadParsedText(blobs, "doc-1", "sha-a")).toBe(saved);
    const stored = JSON.parse(new TextDecoder().decode(await blobs.get("derived/doc-1/text.json")));
    expect(stored).toEqual(saved);
  });

  it("reads the store when the original differs or the entry was released", async () => {
    const saved = parsed("Receipt, cash 5.00");
    await saveParsedText(blobs, "doc-2", saved, "sha-b");
    const otherOriginal = await loadParsedText(blobs, "doc-2", "sha-other");
    expect(otherOriginal).not.toBe(saved);
    expect(otherOriginal).toEqual(saved);
    releaseParsedText("doc-2");
    const released = await loadParsedText(blobs, "doc-2", "sha-b");
    expect(released).not.toBe(saved);
    expect(released).toEqual(saved);
  });

  it("a new save replaces the text in memory and in the store", async () => {
    await saveParsedText(blobs, "doc-3", parsed("first parse"), "sha-c");
    const second = parsed("second parse");
    await saveParsedText(blobs, "doc-3", second, "sha-c");
    expect(await loadParsedText(blobs, "doc-3", "sha-c")).toBe(second);
    releaseParsedText("doc-3");
    expect((await loadParsedText(blobs, "doc-3", "sha-c")).text).toBe("second parse");
  });

  it("delete removes it from memory and the store", async () => {
    await saveParsedText(blobs, "doc-4", parsed("to be deleted"), "sha-d");
    await deleteParsedText(blobs, "doc-4");
    await expect(loadParsedText(blobs, "doc-4", "sha-d")).rejects.toThrow();
  });
});
