import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Health,
  type HealthCheckRequest,
  HealthCheckRequestSchema,
  type HealthCheckResponse,
  HealthCheckResponseSchema,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../../../gen/grpc/health/v1/health_pb.ts";
import type { App } from "../../../services/app.ts";
import { startTestApi } from "../../support/api-server.ts";

let app: App;
beforeAll(async () => {
  app = await startTestApi();
});
afterAll(async () => {
  await app.stop();
});

describe("one port serves every protocol", () => {
  it("answers a grpc-js client over h2c", async () => {
    const client = new grpc.Client(`127.0.0.1:${app.server.port}`, grpc.credentials.createInsecure());
    try {
      const response = await new Promise<HealthCheckResponse>((resolve, reject) => {
        client.makeUnaryRequest<HealthCheckRequest, HealthCheckResponse>(
          "/grpc.health.v1.Health/Check",
          (message) => Buffer.from(toBinary(HealthCheckRequestSchema, message)),
          (bytes) => fromBinary(HealthCheckResponseSchema, bytes),
          create(HealthCheckRequestSchema, { service: "docmesh.ingestion.v1.IngestionService" }),
          (error, value) => (error || !value ? reject(error) : resolve(value)),
        );
      });
      expect(response.status).toBe(ServingStatus.SERVING);
    } finally {
      client.close();
    }
  });

  it.each(["1.1", "2"] as const)("answers a Connect client over HTTP/%s", async (httpVersion) => {
    const client = createClient(Health, createConnectTransport({ baseUrl: app.server.url, httpVersion }));
    const response = await client.check({ service: "" });
    expect(response.status).toBe(ServingStatus.SERVING);
  });

  it.each(["1.1", "2"] as const)("answers a gRPC-Web client over HTTP/%s", async (httpVersion) => {
    const client = createClient(Health, createGrpcWebTransport({ baseUrl: app.server.url, httpVersion }));
    const response = await client.check({ service: "docmesh.search.v1.SearchService" });
    expect(response.status).toBe(ServingStatus.SERVING);
  });

  it("lists every public service as serving", async () => {
    const client = createClient(
      Health,
      createConnectTransport({ baseUrl: app.server.url, httpVersion: "1.1" }),
    );
    const { statuses } = await client.list({});
    expect(Object.keys(statuses).sort()).toEqual([
      "",
      "docmesh.admin.v1.AdminService",
      "docmesh.ingestion.v1.IngestionService",
      "docmesh.metadata.v1.MetadataService",
      "docmesh.progress.v1.ProgressService",
      "docmesh.review.v1.ReviewService",
      "docmesh.search.v1.SearchService",
      "docmesh.webhook.v1.WebhookService",
    ]);
  });

  it("streams health changes to a watcher and releases it on cancel", async () => {
    const client = createClient(
      Health,
      createConnectTransport({ baseUrl: app.server.url, httpVersion: "2" }),
    );
    const abort = new AbortController();
    const seen: ServingStatus[] = [];
    const stream = client.watch({ service: "" }, { signal: abort.signal });
    const before = app.health.listenerCount;
    for await (const message of stream) {
      seen.push(message.status);
      if (seen.length === 1) app.health.set("", ServingStatus.NOT_SERVING);
      if (seen.length === 2) {
        app.health.set("", ServingStatus.SERVING);
        abort.abort();
        break;
      }
    }
    expect(seen).toEqual([ServingStatus.SERVING, ServingStatus.NOT_SERVING]);
    await expect.poll(() => app.health.listenerCount).toBeLessThan(before + 1);
  });

  it("answers an unknown health service with NOT_FOUND", async () => {
    const client = createClient(
      Health,
      createConnectTransport({ baseUrl: app.server.url, httpVersion: "1.1" }),
    );
    await expect(client.check({ service: "nope" })).rejects.toMatchObject({ code: 5 });
  });
});
