// Starts the roles this process plays on top of the opened platform.

import { availableParallelism } from "node:os";
import { rateLimitInterceptor, rateLimitOptions } from "../gateway/rate-limit.ts";
import { roleInterceptor } from "../gateway/roles.ts";
import {
  unauthenticatedLimitInterceptor,
  unauthenticatedLimitOptions,
} from "../gateway/unauthenticated-limit.ts";
import { type RunningAdmin, startAdmin } from "./admin/admin.ts";
import type { ApiHandlers } from "./api.ts";
import { type App, startApi } from "./app.ts";
import { classifierStage } from "./classifier/classify-stage.ts";
import { extractorStage } from "./extractor/extract-stage.ts";
import { indexerStage } from "./indexer/index-stage.ts";
import { ingestionHandlers } from "./ingestion/handlers.ts";
import { Ingestion } from "./ingestion/ingest.ts";
import { TenantQuotas } from "./ingestion/quotas.ts";
import { startUploadSweeper } from "./ingestion/upload-sweep.ts";
import { metadataHandlers } from "./metadata/handlers.ts";
import { DEFAULT_PARSE_BUDGET, setParserWorkers } from "./parsing/parser.ts";
import { runStage } from "./pipeline/stage-worker.ts";
import { openPlatform, type Platform } from "./platform/adapters.ts";
import { authInterceptor } from "./platform/auth.ts";
import type { Subscription } from "./platform/bus/bus.ts";
import type { Config } from "./platform/config.ts";
import { CONSUMER_GROUPS } from "./platform/events/topics.ts";
import { logger } from "./platform/log.ts";
import { PageTokens } from "./platform/page-token.ts";
import { OutboxRelay } from "./platform/store/outbox-relay.ts";
import { ReviewStore } from "./platform/store/review-store.ts";
import { registerPipelineGauges } from "./platform/telemetry/pipeline-gauges.ts";
import { telemetryInterceptor } from "./platform/telemetry/rpc-interceptor.ts";
import { progressHandlers } from "./progress/handlers.ts";
import { ProgressHub } from "./progress/hub.ts";
import { reviewHandlers } from "./review/handlers.ts";
import { searchHandlers } from "./search/handlers.ts";
import { Search } from "./search/search.ts";
import { type RunningWebhooks, startWebhooks } from "./webhooks/webhooks.ts";

/**
 * The public services, each a role (and a deployable) of its own. A role's name is its key in
 * ApiHandlers; `api` is the shorthand for every one of them.
 */
export const SERVICE_ROLES = [
  "ingestion",
  "metadata",
  "search",
  "progress",
  "review",
  "admin",
  "webhook",
] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];
export const ROLES = ["api", ...SERVICE_ROLES, "relay", "classifier", "extractor", "indexer"] as const;
export type Role = (typeof ROLES)[number];

/** The roles with `api` replaced by the service roles it stands for, each once. */
export function expandRoles(roles: readonly Role[]): Role[] {
  return [...new Set(roles.flatMap((role): Role[] => (role === "api" ? [...SERVICE_ROLES] : [role])))];
}

export interface Running {
  app?: App;
  platform: Platform;
  hub?: ProgressHub;
  stop(): Promise<void>;
}

const log = logger("runtime");

export async function run(config: Config, requested: readonly Role[]): Promise<Running> {
  const roles = expandRoles(requested);
  const has = (role: Role) => roles.includes(role);
  const served = SERVICE_ROLES.filter(has);
  const app =
    served.length > 0
      ? await startApi(config, {
          services: served,
          interceptors: [
            telemetryInterceptor(),
            unauthenticatedLimitInterceptor(unauthenticatedLimitOptions(config)),
            authInterceptor({
              mode: config.auth,
              defaultTenant: config.defaultTenant,
              jwks: config.jwks,
              issuer: config.jwtIssuer,
              audience: config.jwtAudience,
            }),
            roleInterceptor(),
            rateLimitInterceptor(rateLimitOptions(config)),
          ],
        })
      : undefined;
  setParserWorkers(config.parseWorkers > 0 ? config.parseWorkers : defaultParserWorkers(config.mode));
  const platform = await openPlatform(config, app?.server.url ?? `http://${config.host}:${config.port}`);
  const { store, blobs, ai, index, bus, codec } = platform;

  const relay = has("relay")
    ? new OutboxRelay(platform.db, bus, { encode: platform.encodeOutbox })
    : undefined;
  relay?.start();
  const stopGauges = relay ? registerPipelineGauges(platform.db, bus) : undefined;
  const committed = () => relay?.kick();

  const subscriptions: Subscription[] = [];
  if (has("classifier")) {
    const parseBudget = { ...DEFAULT_PARSE_BUDGET, timeoutMs: config.parseTimeoutMs };
    const stage = classifierStage({ store, blobs, ai, parseBudget });
    subscriptions.push(
      await runStage(
        bus,
        codec,
        CONSUMER_GROUPS.classifier,
        withKick(stage, committed),
        config.stageConcurrency,
        "earliest",
        config.stageReadAhead,
      ),
    );
  }
  if (has("extractor")) {
    subscriptions.push(
      await runStage(
        bus,
        codec,
        CONSUMER_GROUPS.extractor,
        withKick(extractorStage({ store, blobs, ai }), committed),
        config.stageConcurrency,
        "earliest",
        config.stageReadAhead,
      ),
    );
  }
  if (has("indexer")) {
    const stage = indexerStage({ store, blobs, index, ai, reviewThreshold: config.reviewThreshold });
    subscriptions.push(
      await runStage(
        bus,
        codec,
        CONSUMER_GROUPS.indexer,
        withKick(stage, committed),
        config.indexerConcurrency,
        "earliest",
        config.stageReadAhead,
      ),
    );
  }

  let hub: ProgressHub | undefined;
  let sweeper: ReturnType<typeof startUploadSweeper> | undefined;
  let admin: RunningAdmin | undefined;
  let webhooks: RunningWebhooks | undefined;
  if (app) {
    // Each service is built only where it is served: a search process never follows the progress
    // topic, a progress process never sweeps uploads.
    const pageTokens = new PageTokens(config.pageTokenSecret);
    const handlers: Partial<ApiHandlers> = {};
    if (has("ingestion")) {
      const ingestion = new Ingestion(
        store,
        platform.uploads,
        blobs,
        { maxUploadBytes: config.maxUploadBytes, presignExpirySeconds: 15 * 60 },
        committed,
        new TenantQuotas(platform.db, {
          documentsPerDay: config.quotaDocumentsPerDay,
          bytesStored: config.quotaBytesStored,
        }),
      );
      sweeper = startUploadSweeper(blobs, platform.uploads);
      handlers.ingestion = ingestionHandlers(ingestion);
    }
    if (has("metadata")) handlers.metadata = metadataHandlers({ store, blobs, index, pageTokens, committed });
    if (has("search")) handlers.search = searchHandlers(new Search(index, ai, store), pageTokens);
    if (has("progress")) {
      hub = new ProgressHub();
      await hub.start(bus, codec);
      handlers.progress = progressHandlers({
        hub,
        log: platform.progressLog,
        store,
        heartbeatMs: config.heartbeatSeconds * 1000,
      });
    }
    if (has("admin")) {
      admin = await startAdmin(platform, pageTokens, committed);
      handlers.admin = admin.handlers;
    }
    if (has("review")) {
      handlers.review = reviewHandlers({
        reviews: new ReviewStore(platform.db, store),
        pageTokens,
        leaseSeconds: config.reviewLeaseSeconds,
        committed,
      });
    }
    if (has("webhook")) {
      webhooks = await startWebhooks(platform, pageTokens, {
        allowInsecureLoopback: config.webhookAllowInsecureLoopback,
        maxAttempts: config.webhookMaxAttempts,
        initialBackoffMs: config.webhookBackoffMs,
        maxBackoffMs: config.webhookMaxBackoffMs,
        timeoutMs: config.webhookTimeoutMs,
        concurrency: config.webhookConcurrency,
        pollMs: 1000,
      });
      handlers.webhook = webhooks.handlers;
    }
    app.bind(handlers, has("ingestion") ? platform.uploadRoute : undefined);
  }
  log.info("started", { roles, mode: config.mode, url: app?.server.url });

  return {
    app,
    platform,
    hub,
    async stop() {
      await app?.stop();
      await sweeper?.stop();
      for (const subscription of subscriptions) await subscription.stop();
      await hub?.stop();
      await admin?.stop();
      await webhooks?.stop();
      await relay?.stop();
      stopGauges?.();
      await platform.close();
    },
  };
}

/** Stage handlers write outbox rows; an in-process relay should publish them at once. */
function withKick<T extends (...args: never[]) => Promise<void>>(handler: T, kick: () => void): T {
  return (async (...args: Parameters<T>) => {
    await handler(...args);
    kick();
  }) as T;
}

/**
 * Embedded mode keeps a core for the event loop (API, embedded engines); a cluster stage worker's
 * event loop mostly waits on I/O, so its parsers may use every core (measured: 534 → 644 docs/min
 * on 2 cores, bench/pipeline.ts cluster 300 1).
 */
function defaultParserWorkers(mode: Config["mode"]): number {
  const cores = availableParallelism();
  return mode === "cluster" ? cores : Math.max(1, cores - 1);
}
