// The delivery log on PGlite (the same SQL as PostgreSQL): one delivery per event per endpoint however
// often the event is read, filters and registration time respected, leases exclusive, and a success
// recorded once, by the lease holder only.
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  WebhookDeliveryState,
  WebhookEventType,
} from "../../../gen/docmesh/webhook/v1/webhook_service_pb.ts";
import { migrate } from "../../../services/platform/store/migrate.ts";
import { openPglite } from "../../../services/platform/store/pglite.ts";
import type { SqlDatabase } from "../../../services/platform/store/sql.ts";
import { DeliveryStore, type IncomingEvent } from "../../../services/webhooks/delivery-store.ts";
import { EndpointStore } from "../../../services/webhooks/endpoint-store.ts";

let db: SqlDatabase;
let endpoints: EndpointStore;
let deliveries: DeliveryStore;

beforeAll(async () => {
  db = await openPglite(mkdtempSync(join(tmpdir(), "docmesh-webhooks-")));
  await migrate(db);
  endpoints = new EndpointStore(db);
  deliveries = new DeliveryStore(db);
});
afterAll(() => db?.close());

const event = (tenant: string, eventType: WebhookEventType, eventTime = new Date()): IncomingEvent => ({
  tenant,
  eventId: randomUUID(),
  documentId: randomUUID(),
  eventType,
  eventTime,
  body: "{}",
});

describe("webhook delivery store", () => {
  it("adds one delivery per matching endpoint, once however often the event is read", async () => {
    const tenant = `t-${randomUUID()}`;
    const all = await endpoints.create(tenant, { url: "https://1.1.1.1/a", eventTypes: [], description: "" });
    const indexedOnly = await endpoints.create(tenant, {
      url: "https://1.1.1.1/b",
      eventTypes: [WebhookEventType.INDEXED],
      description: "",
    });
    await endpoints.create(`t-${randomUUID()}`, {
      url: "https://1.1.1.1/c",
      eventTypes: [],
      description: "",
    });

    const uploaded = event(tenant, WebhookEventType.UPLOADED);
    expect(await deliveries.enqueue(uploaded)).toBe(1);
    expect(await deliveries.enqueue(uploaded)).toBe(0);
    expect(await deliveries.enqueue(event(tenant, WebhookEventType.INDEXED))).toBe(2);
    // An event from before the endpoints were registered goes nowhere.
    expect(
      await deliveries.enqueue(event(tenant, WebhookEventType.INDEXED, new Date(Date.now() - 3_600_000))),
    ).toBe(0);

    const log = await deliveries.list(tenant, all.endpoint.id, WebhookDeliveryState.UNSPECIFIED, 10);
    expect(log.deliveries.map((d) => d.eventType).sort()).toEqual([
      WebhookEventType.UPLOADED,
      WebhookEventType.INDEXED,
    ]);
    const filtered = await deliveries.list(tenant, indexedOnly.endpoint.id, WebhookDeliveryState.PENDING, 10);
    expect(filtered.deliveries.map((d) => d.eventType)).toEqual([WebhookEventType.INDEXED]);
    await expect(
      deliveries.list(`t-${randomUUID()}`, all.endpoint.id, WebhookDeliveryState.UNSPECIFIED, 10),
    ).rejects.toMatchObject({ kind: "not_found" });

    // Clean up for the lease test below: these endpoints' deliveries would be due too.
    await endpoints.delete(tenant, all.endpoint.id);
    await endpoints.delete(tenant, indexedOnly.endpoint.id);
  });

  it("leases a due delivery to one claimer, and records its success once, for the lease holder", async () => {
    const tenant = `t-${randomUUID()}`;
    const endpoint = await endpoints.create(tenant, {
      url: "https://1.1.1.1/d",
      eventTypes: [],
      description: "",
    });
    await deliveries.enqueue(event(tenant, WebhookEventType.UPLOADED));
    const [first, second] = await Promise.all([
      deliveries.claim(10, new Map(), 4, 60_000),
      deliveries.claim(10, new Map(), 4, 60_000),
    ]);
    const claimed = [...(first ?? []), ...(second ?? [])].filter(
      (d) => d.endpointId === endpoint.endpoint.id,
    );
    expect(claimed).toHaveLength(1);
    const [delivery] = claimed;
    if (!delivery) throw new Error("nothing claimed");
    expect(delivery.secret).toMatch(/^whsec_/);
    expect(await deliveries.claim(10, new Map(), 4, 60_000)).toEqual([]);

    expect(await deliveries.succeeded({ ...delivery, leaseId: randomUUID() }, 200)).toBe(false);
    expect(await deliveries.succeeded(delivery, 200)).toBe(true);
    expect(await deliveries.succeeded(delivery, 200)).toBe(false);
    const [row] = (await deliveries.list(tenant, endpoint.endpoint.id, WebhookDeliveryState.UNSPECIFIED, 10))
      .deliveries;
    expect(row).toMatchObject({ state: WebhookDeliveryState.SUCCEEDED, attempts: 1, lastResponseCode: 200 });
    await expect(deliveries.redeliver(tenant, endpoint.endpoint.id, row?.id ?? "")).rejects.toMatchObject({
      kind: "precondition",
    });
  });

  it("leases no more to one endpoint than the per-endpoint cap leaves free", async () => {
    const tenant = `t-${randomUUID()}`;
    const { endpoint } = await endpoints.create(tenant, {
      url: "https://1.1.1.1/f",
      eventTypes: [],
      description: "",
    });
    for (let i = 0; i < 6; i++) await deliveries.enqueue(event(tenant, WebhookEventType.UPLOADED));
    const mine = (claimed: { endpointId: string }[]) => claimed.filter((d) => d.endpointId === endpoint.id);
    expect(mine(await deliveries.claim(10, new Map([[endpoint.id, 3]]), 4, 60_000))).toHaveLength(1);
    expect(mine(await deliveries.claim(10, new Map([[endpoint.id, 1]]), 4, 60_000))).toHaveLength(3);
    expect(mine(await deliveries.claim(10, new Map(), 4, 60_000))).toHaveLength(2);
    await endpoints.delete(tenant, endpoint.id);
  });

  it("retries a failed attempt later, fails it after the last, and a redelivery makes it due again", async () => {
    const tenant = `t-${randomUUID()}`;
    const endpoint = await endpoints.create(tenant, {
      url: "https://1.1.1.1/e",
      eventTypes: [],
      description: "",
    });
    await deliveries.enqueue(event(tenant, WebhookEventType.UPLOADED));
    const [delivery] = await deliveries.claim(10, new Map(), 4, 60_000);
    if (!delivery) throw new Error("nothing claimed");
    await deliveries.failed(delivery, { responseCode: 500, error: "HTTP 500", retryInMs: 60_000 });
    expect(await deliveries.claim(10, new Map(), 4, 60_000)).toEqual([]); // not due for a minute
    let [row] = (await deliveries.list(tenant, endpoint.endpoint.id, 0, 10)).deliveries;
    expect(row).toMatchObject({ state: WebhookDeliveryState.PENDING, attempts: 1, lastError: "HTTP 500" });

    await db.query("UPDATE webhook_deliveries SET next_attempt_time = now() WHERE id = $1", [delivery.id]);
    const [again] = await deliveries.claim(10, new Map(), 4, 60_000);
    if (!again) throw new Error("not due again");
    expect(again.roundAttempts).toBe(1);
    await deliveries.failed(again, { responseCode: 0, error: "connect ECONNREFUSED" });
    [row] = (await deliveries.list(tenant, endpoint.endpoint.id, 0, 10)).deliveries;
    expect(row).toMatchObject({ state: WebhookDeliveryState.FAILED, attempts: 2, lastResponseCode: 0 });

    const redelivered = await deliveries.redeliver(tenant, endpoint.endpoint.id, delivery.id);
    expect(redelivered.state).toBe(WebhookDeliveryState.PENDING);
    const [third] = await deliveries.claim(10, new Map(), 4, 60_000);
    expect(third?.roundAttempts).toBe(0);
    await expect(
      deliveries.redeliver(`t-${randomUUID()}`, endpoint.endpoint.id, delivery.id),
    ).rejects.toMatchObject({
      kind: "not_found",
    });
  });
});
