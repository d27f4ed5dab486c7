// grpcurl, as a user runs it, without proto files: server reflection (v1 and v1alpha) lists,
// describes and calls, directly and through the real Envoy; an unknown method is UNIMPLEMENTED
// (grpc-status 12) for gRPC and Connect callers alike.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { credentials, Client as GrpcClient, Metadata } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintToken } from "../../../gateway/dev-token.ts";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { type Edge, REPO, startEdge } from "../edge/edge.ts";

const run = promisify(execFile);
let grpcurlBin = "";
let docmesh: TestDocmesh;
let edge: Edge;

/** grpcurl's output and exit status (it exits non-zero for a failed call). */
async function grpcurl(...args: string[]): Promise<{ out: string; code: number }> {
  try {
    const { stdout, stderr } = await run(grpcurlBin, ["-plaintext", ...args], { timeout: 30_000 });
    return { out: stdout + stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; code?: number };
    return { out: `${e.stdout ?? ""}${e.stderr ?? ""}`, code: e.code ?? -1 };
  }
}

beforeAll(async () => {
  // Installed by the repository's script (go install, cached outside the repository).
  const { stdout } = await run("bash", [`${REPO}/scripts/tools/go-tool.sh`, "grpcurl"], { timeout: 600_000 });
  grpcurlBin = stdout.trim();
  docmesh = await startDocmesh("embedded");
  edge = await startEdge(docmesh.url);
}, 660_000);

afterAll(async () => {
  await edge?.stop();
  await docmesh?.stop();
});

describe("grpcurl with server reflection", () => {
  it("lists every public service, health and reflection, directly and through Envoy", async () => {
    for (const host of [new URL(docmesh.url).host, new URL(edge.url).host]) {
      const { out, code } = await grpcurl(host, "list");
      expect(code, out).toBe(0);
      const listed = out.trim().split("\n").sort();
      expect(listed).toEqual(
        expect.arrayContaining([
          "docmesh.ingestion.v1.IngestionService",
          "docmesh.metadata.v1.MetadataService",
          "docmesh.progress.v1.ProgressService",
          "docmesh.search.v1.SearchService",
          "grpc.health.v1.Health",
          "grpc.reflection.v1.ServerReflection",
        ]),
      );
    }
  });

  it("describes a method and a message with their imports resolved", async () => {
    const host = new URL(docmesh.url).host;
    const method = await grpcurl(host, "describe", "docmesh.search.v1.SearchService.SearchDocuments");
    expect(method.code, method.out).toBe(0);
    expect(method.out).toMatch(/rpc SearchDocuments \( \.docmesh\.search\.v1\.SearchDocumentsRequest \)/);
    const message = await grpcurl(host, "describe", "docmesh.metadata.v1.GetDocumentResponse");
    expect(message.code, message.out).toBe(0);
    expect(message.out).toMatch(/\.docmesh\.document\.v1\.Document document = 1/);
  });

  it("calls RPCs from the reflected schema; through Envoy, health is open and RPCs need a token", async () => {
    const direct = await grpcurl(
      "-d",
      "{}",
      new URL(docmesh.url).host,
      "docmesh.metadata.v1.MetadataService/GetStats",
    );
    expect(direct.code, direct.out).toBe(0);
    expect(JSON.parse(direct.out)).toBeTypeOf("object");
    const health = await grpcurl(new URL(edge.url).host, "grpc.health.v1.Health/Check");
    expect(health.code, health.out).toBe(0);
    expect(health.out).toContain('"status": "SERVING"');
    // Reflection is open at the edge; the RPCs still need a token.
    const anonymous = await grpcurl(
      "-d",
      "{}",
      new URL(edge.url).host,
      "docmesh.metadata.v1.MetadataService/GetStats",
    );
    expect(anonymous.out).toMatch(/Unauthenticated/);
  });

  it("speaks v1alpha to clients that only know it", async () => {
    const { out, code } = await grpcurl("-use-reflection", new URL(docmesh.url).host, "list");
    expect(code, out).toBe(0);
    // grpcurl tries v1 first and falls back to v1alpha; ask the alpha service itself.
    const alpha = await grpcurl(
      "-d",
      '{"list_services": ""}',
      new URL(docmesh.url).host,
      "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
    );
    expect(alpha.code, alpha.out).toBe(0);
    expect(alpha.out).toContain("docmesh.search.v1.SearchService");
  });

  it("answers an unknown method with UNIMPLEMENTED on gRPC (directly and through Envoy) and Connect", async () => {
    const grpc = await grpcurl(
      "-d",
      "{}",
      new URL(docmesh.url).host,
      "docmesh.search.v1.SearchService/NoSuchMethod",
    );
    expect(grpc.code).not.toBe(0);
    // Reflection knows the service but not the method; ask the server with raw paths too.
    const token = await mintToken({ tenant: "grpcurl-test" });
    for (const url of [docmesh.url, edge.url]) {
      const client = new GrpcClient(new URL(url).host, credentials.createInsecure());
      const metadata = new Metadata();
      metadata.set("authorization", `Bearer ${token}`);
      const status = await new Promise<number | undefined>((resolve) =>
        client.makeUnaryRequest(
          "/docmesh.search.v1.NoSuchService/Nothing",
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.alloc(0),
          metadata,
          (error) => resolve(error?.code),
        ),
      );
      client.close();
      expect(status, url).toBe(12);
    }
    const raw = await fetch(`${docmesh.url}/docmesh.search.v1.NoSuchService/Nothing`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(raw.status).toBe(404);
    expect(await raw.json()).toMatchObject({ code: "unimplemented" });
  });
});
