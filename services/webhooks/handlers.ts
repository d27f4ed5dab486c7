// WebhookService: endpoints and their delivery log, always within the verified caller's tenant.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  type WebhookDelivery,
  WebhookDeliverySchema,
  type WebhookEndpoint,
  WebhookEndpointSchema,
  type WebhookService,
} from "../../gen/docmesh/webhook/v1/webhook_service_pb.ts";
import { mapErrors } from "../platform/connect-errors.ts";
import { identityOf } from "../platform/identity.ts";
import type { PageTokens } from "../platform/page-token.ts";
import type { DeliveryRow, DeliveryStore } from "./delivery-store.ts";
import type { EndpointRow, EndpointStore } from "./endpoint-store.ts";
import type { NewestFirstCursor } from "./newest-first-page.ts";
import { checkEndpointUrl, type TargetPolicy } from "./target-policy.ts";

export interface WebhookDeps {
  endpoints: EndpointStore;
  deliveries: DeliveryStore;
  pageTokens: PageTokens;
  policy: TargetPolicy;
  /** A delivery became due (a redelivery): the dispatcher should look now. */
  due: () => void;
}

const DEFAULT_PAGE_SIZE = 50;
/** `webhookEndpoints/{id}` → id; `webhookEndpoints/{e}/deliveries/{d}` → [e, d] (names are validated). */
const segments = (name: string) => name.split("/").filter((_, i) => i % 2 === 1);

export function webhookHandlers(deps: WebhookDeps): ServiceImpl<typeof WebhookService> {
  const { endpoints, deliveries } = deps;
  return mapErrors<ServiceImpl<typeof WebhookService>>({
    async createWebhookEndpoint(request, context) {
      const { tenant } = identityOf(context);
      const wanted = request.endpoint ?? create(WebhookEndpointSchema);
      const url = await checkEndpointUrl(wanted.url, deps.policy);
      const created = await endpoints.create(tenant, {
        url: url.href,
        eventTypes: wanted.eventTypes,
        description: wanted.description,
      });
      return { endpoint: toEndpoint(created.endpoint), secret: created.secret };
    },

    async listWebhookEndpoints(request, context) {
      const { tenant } = identityOf(context);
      const scope = { tenant, rpc: "ListWebhookEndpoints" };
      const after = request.pageToken
        ? deps.pageTokens.decode<NewestFirstCursor>(scope, request.pageToken)
        : undefined;
      const page = await endpoints.list(tenant, request.pageSize || DEFAULT_PAGE_SIZE, after);
      return {
        endpoints: page.endpoints.map(toEndpoint),
        nextPageToken: page.next ? deps.pageTokens.encode(scope, page.next) : "",
      };
    },

    async getWebhookEndpoint(request, context) {
      const { tenant } = identityOf(context);
      const [id = ""] = segments(request.name);
      return { endpoint: toEndpoint(await endpoints.get(tenant, id)) };
    },

    async deleteWebhookEndpoint(request, context) {
      const { tenant } = identityOf(context);
      const [id = ""] = segments(request.name);
      await endpoints.delete(tenant, id);
      return {};
    },

    async rotateWebhookEndpointSecret(request, context) {
      const { tenant } = identityOf(context);
      const [id = ""] = segments(request.name);
      const rotated = await endpoints.rotateSecret(tenant, id);
      return { endpoint: toEndpoint(rotated.endpoint), secret: rotated.secret };
    },

    async listWebhookDeliveries(request, context) {
      const { tenant } = identityOf(context);
      const [endpointId = ""] = segments(request.parent);
      const scope = { tenant, endpointId, state: request.state, rpc: "ListWebhookDeliveries" };
      const after = request.pageToken
        ? deps.pageTokens.decode<NewestFirstCursor>(scope, request.pageToken)
        : undefined;
      const page = await deliveries.list(
        tenant,
        endpointId,
        request.state,
        request.pageSize || DEFAULT_PAGE_SIZE,
        after,
      );
      return {
        deliveries: page.deliveries.map(toDelivery),
        nextPageToken: page.next ? deps.pageTokens.encode(scope, page.next) : "",
      };
    },

    async redeliverWebhookDelivery(request, context) {
      const { tenant } = identityOf(context);
      const [endpointId = "", id = ""] = segments(request.name);
      const delivery = await deliveries.redeliver(tenant, endpointId, id);
      deps.due();
      return { delivery: toDelivery(delivery) };
    },
  });
}

function toEndpoint(row: EndpointRow): WebhookEndpoint {
  return create(WebhookEndpointSchema, {
    name: `webhookEndpoints/${row.id}`,
    url: row.url,
    eventTypes: row.eventTypes,
    description: row.description,
    createTime: timestampFromDate(row.createTime),
    secretRotateTime: timestampFromDate(row.secretRotateTime),
  });
}

function toDelivery(row: DeliveryRow): WebhookDelivery {
  return create(WebhookDeliverySchema, {
    name: `webhookEndpoints/${row.endpointId}/deliveries/${row.id}`,
    eventId: row.eventId,
    eventType: row.eventType,
    document: `documents/${row.documentId}`,
    state: row.state,
    attempts: row.attempts,
    lastResponseCode: row.lastResponseCode,
    lastError: row.lastError,
    createTime: timestampFromDate(row.createTime),
    nextAttemptTime: timestampFromDate(row.nextAttemptTime),
    deliverTime: row.deliverTime ? timestampFromDate(row.deliverTime) : undefined,
  });
}
