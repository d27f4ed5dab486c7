// Roles at the edge: the real Envoy (config rendered by gateway/, RBAC per route from the role
// table) in front of a running Docmesh (embedded, DOCMESH_AUTH=jwt). A missing role is refused by
// Envoy itself, before the service, as PERMISSION_DENIED over Connect, gRPC and REST.
import { randomUUID } from "node:crypto";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_JWKS_PATH, mintToken } from "../../../gateway/dev-token.ts";
import { ROLE_DENIED_MESSAGE } from "../../../gateway/envoy-roles.ts";
import { DocumentStatus } from "../../../gen/docmesh/document/v1/document_pb.ts";
import { IngestionService } from "../../../gen/docmesh/ingestion/v1/ingestion_service_pb.ts";
import { MetadataService } from "../../../gen/docmesh/metadata/v1/metadata_service_pb.ts";
import {
  ListReviewTasksRequestSchema,
  ListReviewTasksResponseSchema,
  ReviewService,
} from "../../../gen/docmesh/review/v1/review_service_pb.ts";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { bearer } from "../../support/rpc.ts";
import { type Edge, startEdge } from "./edge.ts";

const tenant = `roles-${randomUUID().slice(0, 8)}`;
let docmesh: TestDocmesh;
let edge: Edge;

function clients(token: string) {
  const transport = createConnectTransport({
    baseUrl: edge.url,
    httpVersion: "1.1",
    interceptors: [bearer(token)],
  });
  return {
    review: createClient(ReviewService, transport),
    metadata: createClient(MetadataService, transport),
    ingestion: createClient(IngestionService, transport),
  };
}

async function errorOf(call: Promise<unknown>): Promise<ConnectError | "ok"> {
  try {
    await call;
    return "ok";
  } catch (error) {
    return ConnectError.from(error);
  }
}

const codeOf = async (call: Promise<unknown>) => {
  const result = await errorOf(call);
  return result === "ok" ? result : result.code;
};

/** grpc-js ListReviewTasks through Envoy: the gRPC status code. */
function grpcListReviewTasks(token: string): Promise<number> {
  const client = new grpc.Client(`127.0.0.1:${edge.port}`, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  metadata.set("authorization", `Bearer ${token}`);
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      "/docmesh.review.v1.ReviewService/ListReviewTasks",
      (m: object) =>
        Buffer.from(toBinary(ListReviewTasksRequestSchema, create(ListReviewTasksRequestSchema, m))),
      (b: Buffer) => fromBinary(ListReviewTasksResponseSchema, b),
      {},
      metadata,
      { deadline: Date.now() + 10_000 },
      (error) => {
        client.close();
        resolve(error ? (error.code ?? -1) : 0);
      },
    );
  });
}

beforeAll(async () => {
  // Every confidence is below this threshold: every upload goes to review.
  docmesh = await startDocmesh("embedded", {
    auth: "jwt",
    jwks: DEV_JWKS_PATH,
    rateLimit: "off",
    reviewThreshold: 0.999,
  });
  edge = await startEdge(docmesh.url, { unauthenticatedLimit: { requests: 100_000, seconds: 1 } });
});

afterAll(async () => {
  await edge?.stop();
  await docmesh?.stop();
});

describe("roles at the edge (Envoy RBAC from the role table)", () => {
  it("a token without a roles claim is an uploader: uploader RPCs pass, review is refused by Envoy", async () => {
    const token = await mintToken({ tenant });
    const { review, metadata } = clients(token);
    expect(await codeOf(metadata.getStats({}))).toBe("ok");
    const refused = await errorOf(review.listReviewTasks({}));
    expect(refused).toBeInstanceOf(ConnectError);
    expect((refused as ConnectError).code).toBe(Code.PermissionDenied);
    expect((refused as ConnectError).rawMessage).toBe(ROLE_DENIED_MESSAGE);
    expect(await grpcListReviewTasks(token)).toBe(grpc.status.PERMISSION_DENIED);
    const restRefused = await fetch(`${edge.url}/v1/reviewTasks`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(restRefused.status).toBe(403);
    // Refused at the edge: Envoy's RBAC, not the service's interceptor.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const refusals = edge
      .log()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { path: string; details: string; upstream: string | null })
      .filter((entry) => entry.path.endsWith("ListReviewTasks") || entry.path === "/v1/reviewTasks");
    expect(refusals).toHaveLength(3);
    for (const entry of refusals) {
      expect(entry.details).toMatch(/^rbac_access_denied/);
      expect(entry.upstream).toBeNull();
    }
  });

  it("reviewers reach the review queue (over Connect, gRPC and REST) but not the admin-only export; admins reach both", async () => {
    const reviewerToken = await mintToken({ tenant, roles: ["reviewer"] });
    const reviewer = clients(reviewerToken);
    expect((await reviewer.review.listReviewTasks({})).totalSize).toBe(0n);
    expect(await codeOf(reviewer.metadata.getStats({}))).toBe("ok");
    expect(await grpcListReviewTasks(reviewerToken)).toBe(grpc.status.OK);
    const restOk = await fetch(`${edge.url}/v1/reviewStats`, {
      headers: { authorization: `Bearer ${reviewerToken}` },
    });
    expect(restOk.status).toBe(200);
    expect(await codeOf(reviewer.review.exportGoldenSet({}))).toBe(Code.PermissionDenied);

    const admin = clients(await mintToken({ tenant, roles: ["admin"] }));
    expect((await admin.review.exportGoldenSet({})).records).toEqual([]);
    expect(await codeOf(admin.review.getReviewStats({}))).toBe("ok");
  });

  it("an empty roles list or a roles claim that is not a list grants nothing", async () => {
    for (const claims of [{ roles: [] }, { roles: "reviewer" }]) {
      const { review, metadata } = clients(await mintToken({ tenant, claims }));
      expect(await codeOf(metadata.getStats({}))).toBe(Code.PermissionDenied);
      expect(await codeOf(review.listReviewTasks({}))).toBe(Code.PermissionDenied);
    }
  });

  it("the review flow over REST through Envoy: an uploader's document is claimed, contested and completed by reviewers", async () => {
    const uploader = clients(await mintToken({ tenant }));
    const text = `Invoice INV-77\nDate: 2026-03-05\nTotal due: 120.00 EUR\n${randomUUID()}`;
    const { document } = await uploader.ingestion.uploadDocument({
      fileName: "invoice-77.txt",
      content: Buffer.from(text),
    });
    const id = document?.name.split("/")[1] ?? "";
    await expect
      .poll(async () => (await uploader.metadata.getDocument({ name: `documents/${id}` })).document?.status, {
        timeout: 60_000,
        interval: 300,
      })
      .toBeOneOf([DocumentStatus.NEEDS_REVIEW, DocumentStatus.PARTIAL]);

    const call = async (subject: string, verb: string, path: string, body?: object) => {
      const token = await mintToken({ tenant, subject, roles: ["reviewer"] });
      const response = await fetch(`${edge.url}${path}`, {
        method: verb,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body && JSON.stringify(body),
      });
      // biome-ignore lint/suspicious/noExplicitAny: transcoded JSON, checked field by field below
      return { status: response.status, json: (await response.json()) as Record<string, any> };
    };
    const list = await call("rita", "GET", "/v1/reviewTasks?pageSize=10");
    expect(list.status).toBe(200);
    expect(list.json.reviewTasks.map((t: { name: string }) => t.name)).toEqual([`reviewTasks/${id}`]);
    const claim = await call("rita", "POST", `/v1/reviewTasks/${id}:claim`, { leaseDuration: "60s" });
    expect(claim.status).toBe(200);
    expect(claim.json.reviewTask.claim.reviewer).toBe("rita");
    const contested = await call("rex", "POST", `/v1/reviewTasks/${id}:claim`, {});
    expect(contested.status).toBe(400); // FAILED_PRECONDITION, as the transcoder maps it
    expect(JSON.stringify(contested.json)).toContain("is claimed by rita until");
    const done = await call("rita", "POST", `/v1/reviewTasks/${id}:complete`, {
      etag: claim.json.reviewTask.document.etag,
      updateMask: "category",
      category: "CATEGORY_INVOICE",
    });
    expect(done.status).toBe(200);
    expect(done.json.document.status).toBe("DOCUMENT_STATUS_INDEXED");
    const stats = await call("rita", "GET", "/v1/reviewStats");
    expect(stats.json.completed).toEqual([expect.objectContaining({ reviewer: "rita", completed: "1" })]);
  });

  it("a bad token is still UNAUTHENTICATED, not PERMISSION_DENIED", async () => {
    const { review } = clients(await mintToken({ tenant, roles: ["reviewer"], ttlSeconds: -120 }));
    expect(await codeOf(review.listReviewTasks({}))).toBe(Code.Unauthenticated);
  });
});
