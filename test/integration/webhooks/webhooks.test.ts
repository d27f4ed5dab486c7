// Signed webhooks end to end, in embedded mode and on the real engines (Kafka, PostgreSQL): a
// tenant registers endpoints on a real local HTTP receiver, uploads documents, and the receiver
// gets signed deliveries of the event types it asked for; 500s are retried until a success, an
// endpoint that never answers 2xx ends FAILED and is redelivered, and the delivery log says so.
import { randomUUID } from "node:crypto";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_JWKS_PATH, mintToken } from "../../../gateway/dev-token.ts";
import { IngestionService } from "../../../gen/docmesh/ingestion/v1/ingestion_service_pb.ts";
import {
  WebhookDeliveryState,
  WebhookEventType,
  WebhookService,
} from "../../../gen/docmesh/webhook/v1/webhook_service_pb.ts";
import { verifyWebhookSignature } from "../../../services/webhooks/signature.ts";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { eventually, Receiver } from "./receiver.ts";

function clients(url: string, token: string) {
  const transport = createConnectTransport({
    baseUrl: url,
    httpVersion: "2",
    interceptors: [
      (next) => (request) => {
        request.header.set("authorization", `Bearer ${token}`);
        return next(request);
      },
    ],
  });
  return {
    webhooks: createClient(WebhookService, transport),
    ingestion: createClient(IngestionService, transport),
  };
}

async function codeOf(call: Promise<unknown>): Promise<Code | undefined> {
  try {
    await call;
    return undefined;
  } catch (error) {
    return ConnectError.from(error).code;
  }
}

describe.each(["embedded", "cluster"] as const)("webhooks (%s)", (mode) => {
  let docmesh: TestDocmesh;
  const receiver = new Receiver();
  const tenant = `t-${randomUUID()}`;
  let api: ReturnType<typeof clients>;
  let other: ReturnType<typeof clients>;
  const created: string[] = [];

  beforeAll(async () => {
    await receiver.start();
    docmesh = await startDocmesh(mode, {
      auth: "jwt",
      jwks: DEV_JWKS_PATH,
      webhookAllowInsecureLoopback: true,
      webhookBackoffMs: 100,
      webhookMaxBackoffMs: 400,
      webhookMaxAttempts: 3,
    });
    api = clients(docmesh.url, await mintToken({ tenant, roles: ["admin"] }));
    other = clients(docmesh.url, await mintToken({ tenant: `t-${randomUUID()}`, roles: ["admin"] }));
  }, 180_000);

  afterAll(async () => {
    // The cluster's database is shared: leave no endpoint that would keep receiving deliveries.
    for (const name of created) await api.webhooks.deleteWebhookEndpoint({ name }).catch(() => undefined);
    await docmesh?.stop();
    await receiver.stop();
  });

  async function register(path: string, eventTypes: WebhookEventType[]) {
    const response = await api.webhooks.createWebhookEndpoint({
      endpoint: { url: `${receiver.url}${path}`, eventTypes, description: path },
    });
    created.push(response.endpoint?.name ?? "");
    return { name: response.endpoint?.name ?? "", secret: response.secret };
  }

  async function upload(): Promise<string> {
    const { document } = await api.ingestion.uploadDocument({
      fileName: "invoice.txt",
      content: new TextEncoder().encode(`Invoice ${randomUUID()}\nTotal: 12.50 EUR\n`),
    });
    return document?.name.replace("documents/", "") ?? "";
  }

  it("signs deliveries, sends only the filtered types, retries 500s until a success, logs it all", async () => {
    const filtered = await register("/filtered", [WebhookEventType.UPLOADED, WebhookEventType.CLASSIFIED]);
    const flaky = await register("/flaky", [WebhookEventType.UPLOADED]);
    receiver.answer("/flaky", [500, 500]);
    expect(filtered.secret).toMatch(/^whsec_[\w-]{43}$/);

    const documentId = await upload();

    const classified = await eventually(() =>
      receiver.on("/filtered").find((r) => r.headers["docmesh-event-type"] === "document.classified"),
    );
    const flakyDone = await eventually(() => receiver.on("/flaky").find((r) => r.status === 200));
    for (const request of receiver.on("/filtered")) {
      expect(
        verifyWebhookSignature(filtered.secret, request.body, String(request.headers["docmesh-signature"])),
      ).toBe(true);
      // Signed with the other endpoint's secret, or with the body changed: refused.
      expect(
        verifyWebhookSignature(flaky.secret, request.body, String(request.headers["docmesh-signature"])),
      ).toBe(false);
      expect(
        verifyWebhookSignature(
          filtered.secret,
          `${request.body} `,
          String(request.headers["docmesh-signature"]),
        ),
      ).toBe(false);
      const body = JSON.parse(request.body);
      expect(["document.uploaded", "document.classified"]).toContain(body.type);
      expect(request.headers["docmesh-event-id"]).toBe(body.id);
      expect(body.data.documentId).toBe(documentId);
      expect(body.data.tenant).toBe(tenant);
    }
    expect(JSON.parse(classified.body).data.classified).toBeDefined();
    const uploaded = receiver
      .on("/filtered")
      .filter((r) => r.headers["docmesh-event-type"] === "document.uploaded");
    expect(uploaded).toHaveLength(1);

    // Two 500s, then the 200: three attempts of one event, the same id and body each time.
    const flakyRequests = receiver.on("/flaky");
    expect(flakyRequests.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(new Set(flakyRequests.map((r) => r.headers["docmesh-event-id"])).size).toBe(1);
    expect(new Set(flakyRequests.map((r) => r.body)).size).toBe(1);
    expect(
      verifyWebhookSignature(flaky.secret, flakyDone.body, String(flakyDone.headers["docmesh-signature"])),
    ).toBe(true);

    const log = await eventually(async () => {
      const { deliveries } = await api.webhooks.listWebhookDeliveries({ parent: flaky.name });
      return deliveries[0]?.state === WebhookDeliveryState.SUCCEEDED ? deliveries : undefined;
    });
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      eventId: flakyDone.headers["docmesh-event-id"],
      eventType: WebhookEventType.UPLOADED,
      document: `documents/${documentId}`,
      attempts: 3,
      lastResponseCode: 200,
      lastError: "",
    });
    expect(log[0]?.deliverTime).toBeDefined();
    const filteredLog = await api.webhooks.listWebhookDeliveries({
      parent: filtered.name,
      state: WebhookDeliveryState.SUCCEEDED,
    });
    expect(filteredLog.deliveries.map((d) => d.eventType).sort()).toEqual([
      WebhookEventType.UPLOADED,
      WebhookEventType.CLASSIFIED,
    ]);
  });

  it("serves other endpoints while one is slow", async () => {
    const slow = await register("/slow", [WebhookEventType.UPLOADED]);
    const fast = await register("/fast", [WebhookEventType.UPLOADED]);
    receiver.delay("/slow", 4000);
    const documents = await Promise.all([1, 2, 3, 4, 5, 6].map(() => upload()));
    const fastIds = await eventually(() => {
      const ids = receiver.on("/fast").map((r) => JSON.parse(r.body).data.documentId);
      return documents.every((id) => ids.includes(id)) ? ids : undefined;
    });
    expect(fastIds).toHaveLength(documents.length);
    // Every fast delivery arrived while the slow endpoint had not answered them all yet.
    expect(receiver.on("/slow").filter((r) => r.answered).length).toBeLessThan(documents.length);
    // The slow endpoint gets them all in the end, once each.
    await eventually(async () => {
      const { deliveries } = await api.webhooks.listWebhookDeliveries({
        parent: slow.name,
        state: WebhookDeliveryState.SUCCEEDED,
      });
      return deliveries.length === documents.length ? deliveries : undefined;
    });
    const slowIds = receiver.on("/slow").map((r) => JSON.parse(r.body).data.documentId);
    expect(new Set(slowIds)).toEqual(new Set(documents));
    expect((await api.webhooks.listWebhookDeliveries({ parent: fast.name })).deliveries).toHaveLength(
      documents.length,
    );
  });

  it("keeps endpoints to their tenant and refuses bad or unsafe URLs", async () => {
    const mine = await register("/private", []);
    expect(await codeOf(other.webhooks.getWebhookEndpoint({ name: mine.name }))).toBe(Code.NotFound);
    expect(await codeOf(other.webhooks.deleteWebhookEndpoint({ name: mine.name }))).toBe(Code.NotFound);
    expect(await codeOf(other.webhooks.listWebhookDeliveries({ parent: mine.name }))).toBe(Code.NotFound);
    expect((await other.webhooks.listWebhookEndpoints({})).endpoints).toEqual([]);
    const listed = await api.webhooks.listWebhookEndpoints({});
    expect(listed.endpoints.map((e) => e.name)).toContain(mine.name);

    const bad = (url: string) => codeOf(api.webhooks.createWebhookEndpoint({ endpoint: { url } }));
    expect(await bad("not a url")).toBe(Code.InvalidArgument);
    expect(await bad("ftp://example.com/hook")).toBe(Code.InvalidArgument);
    expect(await bad("https://10.1.2.3/hook")).toBe(Code.InvalidArgument);
    expect(await bad("https://169.254.169.254/latest/meta-data")).toBe(Code.InvalidArgument);
    expect(await bad("https://[fd00::1]/hook")).toBe(Code.InvalidArgument);
    expect(await bad("http://192.168.1.10/hook")).toBe(Code.InvalidArgument);
    expect(
      await codeOf(
        api.webhooks.createWebhookEndpoint({
          endpoint: { url: `${receiver.url}/x`, eventTypes: [99 as WebhookEventType] },
        }),
      ),
    ).toBe(Code.InvalidArgument);
    expect(await codeOf(api.webhooks.getWebhookEndpoint({ name: "webhookEndpoints/nope" }))).toBe(
      Code.InvalidArgument,
    );

    const uploader = clients(docmesh.url, await mintToken({ tenant }));
    expect(await codeOf(uploader.webhooks.listWebhookEndpoints({}))).toBe(Code.PermissionDenied);

    const rotated = await api.webhooks.rotateWebhookEndpointSecret({ name: mine.name });
    expect(rotated.secret).not.toBe(mine.secret);
    expect(rotated.secret).toMatch(/^whsec_/);
    await api.webhooks.deleteWebhookEndpoint({ name: mine.name });
    expect(await codeOf(api.webhooks.getWebhookEndpoint({ name: mine.name }))).toBe(Code.NotFound);
  });

  // In cluster mode other test processes may send deliveries of the shared database with their own
  // retry settings, so the exhaustion of the attempts is timed only in the one embedded process.
  if (mode === "embedded")
    it("marks a delivery FAILED after the last attempt and redelivers it", async () => {
      const down = await register("/down", [WebhookEventType.UPLOADED]);
      receiver.answer("/down", [], 503);
      await upload();
      const failed = await eventually(async () => {
        const { deliveries } = await api.webhooks.listWebhookDeliveries({ parent: down.name });
        return deliveries[0]?.state === WebhookDeliveryState.FAILED ? deliveries[0] : undefined;
      });
      expect(failed).toMatchObject({ attempts: 3, lastResponseCode: 503 });
      expect(failed.lastError).toContain("HTTP 503");
      expect(receiver.on("/down")).toHaveLength(3);
      expect(
        await codeOf(
          api.webhooks.redeliverWebhookDelivery({ name: `${down.name}/deliveries/${randomUUID()}` }),
        ),
      ).toBe(Code.NotFound);

      receiver.answer("/down", [], 200);
      // Rotated before the redelivery: the next attempt is signed with the new secret only.
      const rotated = await api.webhooks.rotateWebhookEndpointSecret({ name: down.name });
      const again = await api.webhooks.redeliverWebhookDelivery({ name: failed.name });
      expect(again.delivery?.state).toBe(WebhookDeliveryState.PENDING);
      const succeeded = await eventually(async () => {
        const { delivery } = {
          delivery: (await api.webhooks.listWebhookDeliveries({ parent: down.name })).deliveries[0],
        };
        return delivery?.state === WebhookDeliveryState.SUCCEEDED ? delivery : undefined;
      });
      expect(succeeded).toMatchObject({ attempts: 4, lastResponseCode: 200, lastError: "" });
      expect(receiver.on("/down").map((r) => r.status)).toEqual([503, 503, 503, 200]);
      const last = receiver.on("/down").at(-1);
      const signature = String(last?.headers["docmesh-signature"]);
      expect(verifyWebhookSignature(rotated.secret, last?.body ?? "", signature)).toBe(true);
      expect(verifyWebhookSignature(down.secret, last?.body ?? "", signature)).toBe(false);
      // Delivered once: a second redelivery is refused.
      expect(await codeOf(api.webhooks.redeliverWebhookDelivery({ name: failed.name }))).toBe(
        Code.FailedPrecondition,
      );
    });
});
