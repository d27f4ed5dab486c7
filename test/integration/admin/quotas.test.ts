// Per-tenant quotas through the API (embedded mode: PGlite runs the same SQL as PostgreSQL).
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";

const bytes = (n: number, fill: string) => new TextEncoder().encode(fill.repeat(n).slice(0, n));

async function refusal(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error("the call was accepted");
}

describe("per-tenant quotas", () => {
  let docmesh: TestDocmesh;

  beforeAll(async () => {
    docmesh = await startDocmesh("embedded", {
      quotaDocumentsPerDay: { "*": 2 },
      quotaBytesStored: { "*": 100 },
    });
  }, 120_000);
  afterAll(async () => docmesh?.stop(), 60_000);

  it("refuses what would pass bytes_stored or documents_per_day, naming the quota; duplicates pass", async () => {
    const { ingestion } = docmesh.clients;
    const first = await ingestion.uploadDocument({ fileName: "a.txt", content: bytes(60, "first note ") });
    expect(first.duplicate).toBe(false);

    const tooBig = await refusal(
      ingestion.uploadDocument({ fileName: "b.txt", content: bytes(50, "second note ") }),
    );
    expect(tooBig.code).toBe(Code.ResourceExhausted);
    expect(tooBig.rawMessage).toContain("quota bytes_stored exceeded");
    expect(tooBig.rawMessage).toContain("60 of 100 bytes");

    const announced = await refusal(
      ingestion.createUpload({ fileName: "big.txt", sizeBytes: 41n, sha256: "a".repeat(64) }),
    );
    expect(announced.code).toBe(Code.ResourceExhausted);
    expect(announced.rawMessage).toContain("quota bytes_stored exceeded");

    await ingestion.uploadDocument({ fileName: "c.txt", content: bytes(30, "third note ") });
    const fourth = await refusal(ingestion.uploadDocument({ fileName: "d.txt", content: bytes(5, "four ") }));
    expect(fourth.code).toBe(Code.ResourceExhausted);
    expect(fourth.rawMessage).toContain("quota documents_per_day exceeded");
    expect(fourth.rawMessage).toContain("2 of 2 documents");

    // The same bytes again add nothing: answered with the existing document, not refused.
    const again = await ingestion.uploadDocument({ fileName: "a.txt", content: bytes(60, "first note ") });
    expect(again.duplicate).toBe(true);
    expect(again.document?.name).toBe(first.document?.name);

    const listed = await docmesh.clients.metadata.listDocuments({});
    expect(listed.totalSize).toBe(2n);
  });
});
