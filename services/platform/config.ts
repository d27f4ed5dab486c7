// Every environment variable Docmesh reads, with its default and meaning.
// Parsed and validated here, once; the rest of the code receives plain values.

export type Mode = "embedded" | "cluster";
export type AiProviderName = "builtin" | "ollama";

interface Setting<T> {
  env: string;
  default: string;
  doc: string;
  parse: (raw: string, env: string) => T;
}

function text(raw: string): string {
  return raw;
}

function integer(min: number, max: number) {
  return (raw: string, env: string): number => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ConfigError(`${env} must be an integer in [${min}, ${max}], got "${raw}"`);
    }
    return value;
  };
}

function fraction(raw: string, env: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new ConfigError(`${env} must be a number in [0, 1], got "${raw}"`);
  }
  return value;
}

function oneOf<T extends string>(...choices: T[]) {
  return (raw: string, env: string): T => {
    if (!(choices as string[]).includes(raw)) {
      throw new ConfigError(`${env} must be one of ${choices.join(", ")}, got "${raw}"`);
    }
    return raw as T;
  };
}

function list(raw: string): string[] {
  return raw
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** One per-tenant limit: `requests` calls every `seconds` seconds (a token bucket refilled in full each window). */
export interface RateLimitRule {
  requests: number;
  seconds: number;
}

/** RPC method name (or `*`, every other RPC) → the per-tenant limit; `*` is always present. */
export type RateLimitTable = Record<string, RateLimitRule>;

function rateRule(raw: string, env: string): RateLimitRule {
  const match = /^([1-9][0-9]{0,8})\/([1-9][0-9]{0,5})s$/.exec(raw.trim());
  if (!match) throw new ConfigError(`${env}: "${raw}" is not REQUESTS/SECONDSs (e.g. 20/10s)`);
  return { requests: Number(match[1]), seconds: Number(match[2]) };
}

function rateLimitTable(raw: string, env: string): RateLimitTable {
  const table: RateLimitTable = {};
  for (const item of list(raw)) {
    const match = /^(\*|[A-Z][A-Za-z0-9]*)=([1-9][0-9]{0,8})\/([1-9][0-9]{0,5})s$/.exec(item);
    if (!match) {
      throw new ConfigError(`${env}: "${item}" is not METHOD=REQUESTS/SECONDSs (e.g. UploadDocument=10/1s)`);
    }
    table[match[1] as string] = { requests: Number(match[2]), seconds: Number(match[3]) };
  }
  if (!table["*"]) throw new ConfigError(`${env} must have a "*" entry (the limit of every other RPC)`);
  return table;
}

/** A per-tenant quota: the limit of each named tenant, `*` for every other; 0 means none. */
export type TenantQuotaTable = Record<string, number>;

function tenantQuotaTable(raw: string, env: string): TenantQuotaTable {
  const table: TenantQuotaTable = {};
  for (const item of list(raw)) {
    const match = /^(\*|[^=\s]{1,255})=([0-9]{1,16})$/.exec(item);
    if (!match || !Number.isSafeInteger(Number(match[2]))) {
      throw new ConfigError(`${env}: "${item}" is not TENANT=LIMIT (e.g. *=0,acme=1000; 0 = no limit)`);
    }
    table[match[1] as string] = Number(match[2]);
  }
  if (table["*"] === undefined) throw new ConfigError(`${env} must have a "*" entry (every other tenant)`);
  return table;
}

export const SETTINGS = {
  mode: {
    env: "DOCMESH_MODE",
    default: "embedded",
    doc: "embedded: one process, no external servers, data on local disk. cluster: the real engines below.",
    parse: oneOf<Mode>("embedded", "cluster"),
  },
  host: { env: "DOCMESH_HOST", default: "127.0.0.1", doc: "Address the API server binds to.", parse: text },
  port: {
    env: "DOCMESH_PORT",
    default: "8080",
    doc: "Port serving Connect, gRPC and gRPC-Web (HTTP/1.1 and h2c).",
    parse: integer(0, 65535),
  },
  dataDir: {
    env: "DOCMESH_DATA_DIR",
    default: ".docmesh/data",
    doc: "Embedded mode: where documents, metadata, index and event log are kept.",
    parse: text,
  },
  maxUploadBytes: {
    env: "DOCMESH_MAX_UPLOAD_BYTES",
    default: String(50 * 1024 * 1024),
    doc: "Largest one-call upload; larger ones get RESOURCE_EXHAUSTED (use CreateUpload).",
    parse: integer(1, 64 * 1024 * 1024),
  },
  quotaDocumentsPerDay: {
    env: "DOCMESH_QUOTA_DOCUMENTS_PER_DAY",
    default: "*=0",
    doc: "Per-tenant quota documents_per_day: new documents a tenant may add per UTC day, TENANT=N list, * for every other tenant, 0 = no limit (e.g. *=10000,acme=50000). Past it uploads get RESOURCE_EXHAUSTED naming the quota (docs/operations.md).",
    parse: tenantQuotaTable,
  },
  quotaBytesStored: {
    env: "DOCMESH_QUOTA_BYTES_STORED",
    default: "*=0",
    doc: "Per-tenant quota bytes_stored: total size of a tenant's originals, TENANT=BYTES list, * for every other tenant, 0 = no limit. An upload that would pass it gets RESOURCE_EXHAUSTED naming the quota.",
    parse: tenantQuotaTable,
  },
  reviewThreshold: {
    env: "DOCMESH_REVIEW_THRESHOLD",
    default: "0.92",
    doc: "Below this classification or field confidence a document is marked NEEDS_REVIEW (default chosen by cross-validation, docs/ai.md).",
    parse: fraction,
  },
  reviewLeaseSeconds: {
    env: "DOCMESH_REVIEW_LEASE_SECONDS",
    default: "300",
    doc: "How long a review claim lasts when ClaimReviewTask/RenewReviewClaim name no lease_duration; an expired claim returns the task to the queue (docs/review.md).",
    parse: integer(1, 3600),
  },
  webhookAllowInsecureLoopback: {
    env: "DOCMESH_WEBHOOK_ALLOW_INSECURE_LOOPBACK",
    default: "false",
    doc: "Development and tests only: true lets webhook endpoints use http:// and loopback addresses (127.0.0.0/8, ::1, localhost). Otherwise https to a public address only (docs/webhooks.md).",
    parse: (raw: string, env: string): boolean => oneOf("true", "false")(raw, env) === "true",
  },
  webhookMaxAttempts: {
    env: "DOCMESH_WEBHOOK_MAX_ATTEMPTS",
    default: "12",
    doc: "Attempts of a webhook delivery before it is FAILED (RedeliverWebhookDelivery starts a new round).",
    parse: integer(1, 100),
  },
  webhookBackoffMs: {
    env: "DOCMESH_WEBHOOK_BACKOFF_MS",
    default: "10000",
    doc: "Wait before a webhook delivery's second attempt; it doubles per attempt (with jitter) up to DOCMESH_WEBHOOK_MAX_BACKOFF_MS.",
    parse: integer(1, 86_400_000),
  },
  webhookMaxBackoffMs: {
    env: "DOCMESH_WEBHOOK_MAX_BACKOFF_MS",
    default: "3600000",
    doc: "Longest wait between two attempts of a webhook delivery.",
    parse: integer(1, 86_400_000),
  },
  webhookTimeoutMs: {
    env: "DOCMESH_WEBHOOK_TIMEOUT_MS",
    default: "10000",
    doc: "How long a webhook endpoint may take to answer an attempt before it counts as failed.",
    parse: integer(100, 300_000),
  },
  webhookConcurrency: {
    env: "DOCMESH_WEBHOOK_CONCURRENCY",
    default: "16",
    doc: "Webhook deliveries sent at once per webhook process (at most 4 of them to one endpoint).",
    parse: integer(1, 1000),
  },
  aiProvider: {
    env: "DOCMESH_AI_PROVIDER",
    default: "builtin",
    doc: "builtin (no server) or ollama. With ollama, confidences are the measured accuracy of the LLM's answers that agree or disagree with the built-in provider's (services/ai/ollama/agreement-confidence.json, docs/ai.md); a disagreement goes to NEEDS_REVIEW.",
    parse: oneOf<AiProviderName>("builtin", "ollama"),
  },
  cacheDir: {
    env: "DOCMESH_CACHE",
    default: "",
    doc: "Where scripts/setup.sh installs what the repo does not hold, such as the built-in embedding model (models/use-multilingual-v3). Empty: ~/.cache/docmesh.",
    parse: text,
  },
  ollamaUrl: {
    env: "DOCMESH_OLLAMA_URL",
    default: "http://127.0.0.1:59434",
    doc: "Ollama server.",
    parse: text,
  },
  ollamaModel: {
    env: "DOCMESH_OLLAMA_MODEL",
    default: "gemma3-270m",
    doc: "Ollama model for classification and extraction.",
    parse: text,
  },
  ollamaEmbedModel: {
    env: "DOCMESH_OLLAMA_EMBED_MODEL",
    default: "all-minilm",
    doc: "Ollama model for embeddings.",
    parse: text,
  },
  kafkaBrokers: {
    env: "DOCMESH_KAFKA_BROKERS",
    default: "127.0.0.1:59092",
    doc: "Cluster mode: comma-separated Kafka bootstrap brokers.",
    parse: list,
  },
  schemaRegistryUrl: {
    env: "DOCMESH_SCHEMA_REGISTRY_URL",
    default: "http://127.0.0.1:58081/apis/ccompat/v7",
    doc: "Cluster mode: Confluent-compatible schema registry.",
    parse: text,
  },
  databaseUrl: {
    env: "DOCMESH_DATABASE_URL",
    default: "postgres://docmesh@127.0.0.1:55432/docmesh",
    doc: "Cluster mode: PostgreSQL connection URL.",
    parse: text,
  },
  s3Endpoint: {
    env: "DOCMESH_S3_ENDPOINT",
    default: "http://127.0.0.1:59000",
    doc: "Cluster mode: S3-compatible endpoint (MinIO).",
    parse: text,
  },
  s3AccessKey: { env: "DOCMESH_S3_ACCESS_KEY", default: "docmesh", doc: "S3 access key.", parse: text },
  s3SecretKey: {
    env: "DOCMESH_S3_SECRET_KEY",
    default: "docmesh-secret",
    doc: "S3 secret key.",
    parse: text,
  },
  s3Bucket: { env: "DOCMESH_S3_BUCKET", default: "docmesh", doc: "S3 bucket for originals.", parse: text },
  opensearchUrl: {
    env: "DOCMESH_OPENSEARCH_URL",
    default: "http://127.0.0.1:59200",
    doc: "Cluster mode: OpenSearch node.",
    parse: text,
  },
  stageConcurrency: {
    env: "DOCMESH_STAGE_CONCURRENCY",
    default: "4",
    doc: "Documents each stage process handles at once, over all its partitions, admitted round robin across tenants (never two events of one document together; per-document order holds).",
    parse: integer(1, 256),
  },
  indexerConcurrency: {
    env: "DOCMESH_INDEXER_CONCURRENCY",
    default: "32",
    doc: "Documents each indexer process handles at once (admitted like DOCMESH_STAGE_CONCURRENCY). Higher than the CPU stages' because an index write mostly waits for the search engine's refresh: at 4, one indexer process topped out near 4 documents/s in cluster mode.",
    parse: integer(1, 256),
  },
  stageReadAhead: {
    env: "DOCMESH_STAGE_READ_AHEAD",
    default: "1000",
    doc: "Records of one partition a stage reads ahead of the ones it works on, so a tenant's upload behind another tenant's backlog is seen and admitted in its turn (Kafka: at most one fetch).",
    parse: integer(1, 100_000),
  },
  parseWorkers: {
    env: "DOCMESH_PARSE_WORKERS",
    default: "0",
    doc: "Parser worker threads per process (PDF, DOCX, OCR run there). 0: every core in cluster mode; the number of cores minus 1, at least 1, in embedded mode (a core stays with the API and the embedded engines).",
    parse: integer(0, 64),
  },
  parseTimeoutMs: {
    env: "DOCMESH_PARSE_TIMEOUT_MS",
    default: "60000",
    doc: "Time budget of one document's parse, OCR included, on its parser thread (counted once the thread runs it). Past it the thread is terminated and the document fails with reason timeout, after one attempt.",
    parse: integer(100, 3_600_000),
  },
  opensearchIndex: {
    env: "DOCMESH_OPENSEARCH_INDEX",
    default: "docmesh-chunks",
    doc: "Cluster mode: name of the OpenSearch chunk index (one per deployment sharing a cluster).",
    parse: text,
  },
  opensearchEfSearch: {
    env: "DOCMESH_OPENSEARCH_EF_SEARCH",
    default: "1536",
    doc: "Cluster mode: HNSW candidates each semantic query keeps per graph (k-NN ef_search; at least k). 1536 holds recall@10 ≥ 0.95 at 100k chunks per index on the benchmark's worst-case vectors in many segments (0.977); one merged segment needs 4096, and 1M chunks 4096–8192 (docs/search.md). Query time only: no reindex.",
    parse: integer(1, 10_000),
  },
  indexRefresh: {
    env: "DOCMESH_INDEX_REFRESH",
    default: "wait_for",
    doc: "Cluster mode: how the indexer makes a document searchable in OpenSearch before marking it indexed. wait_for: wait for the next periodic refresh (≤ 1 s; one Lucene segment per second under load). immediate: refresh per document (lowest latency, far more CPU).",
    parse: oneOf("wait_for", "immediate"),
  },
  pageTokenSecret: {
    env: "DOCMESH_PAGE_TOKEN_SECRET",
    default: "",
    doc: "Signs page tokens. Empty: a random key per process (set one shared key when running several API processes).",
    parse: text,
  },
  heartbeatSeconds: {
    env: "DOCMESH_HEARTBEAT_SECONDS",
    default: "15",
    doc: "Progress streams send a heartbeat after this many idle seconds.",
    parse: integer(1, 3600),
  },
  auth: {
    env: "DOCMESH_AUTH",
    default: "none",
    doc: "jwt: every call needs a bearer token verified against DOCMESH_JWKS. none: single-tenant, no tokens.",
    parse: oneOf("jwt", "none"),
  },
  defaultTenant: {
    env: "DOCMESH_DEFAULT_TENANT",
    default: "default",
    doc: "With DOCMESH_AUTH=none, the tenant every request acts as.",
    parse: text,
  },
  jwks: {
    env: "DOCMESH_JWKS",
    default: "deploy/envoy/dev-jwks.json",
    doc: "JWKS file path or http(s) URL used to verify tokens.",
    parse: text,
  },
  jwtIssuer: {
    env: "DOCMESH_JWT_ISSUER",
    default: "docmesh-dev",
    doc: "Required token issuer.",
    parse: text,
  },
  jwtAudience: {
    env: "DOCMESH_JWT_AUDIENCE",
    default: "docmesh",
    doc: "Required token audience.",
    parse: text,
  },
  logLevel: {
    env: "DOCMESH_LOG_LEVEL",
    default: "info",
    doc: "debug, info, warn or error.",
    parse: oneOf("debug", "info", "warn", "error"),
  },
  rateLimits: {
    env: "DOCMESH_RATE_LIMITS",
    default:
      "*=50/1s,UploadDocument=10/1s,CreateUpload=10/1s,CompleteUpload=10/1s,SearchDocuments=20/1s,WatchDocument=10/1s,WatchBatch=10/1s",
    doc: "THE rate-limit table (docs/edge.md): per tenant and per RPC, METHOD=REQUESTS/SECONDSs; * is every other RPC. Envoy (scripts/edge/render.ts) and the embedded interceptor enforce the same table.",
    parse: rateLimitTable,
  },
  rateLimit: {
    env: "DOCMESH_RATE_LIMIT",
    default: "auto",
    doc: "Embedded edge: on enforces DOCMESH_RATE_LIMITS in this process; off leaves it to Envoy; auto is on when DOCMESH_AUTH=jwt.",
    parse: oneOf("auto", "on", "off"),
  },
  unauthenticatedLimit: {
    env: "DOCMESH_UNAUTHENTICATED_LIMIT",
    default: "20/10s",
    doc: "Failed authentications (missing or bad token) per client address, REQUESTS/SECONDSs; past it those calls get RESOURCE_EXHAUSTED (429 at Envoy) instead of UNAUTHENTICATED. Valid tokens are never counted. Embedded edge: on whenever DOCMESH_RATE_LIMIT is; Envoy: always (docs/edge.md).",
    parse: rateRule,
  },
  headersTimeoutMs: {
    env: "DOCMESH_HEADERS_TIMEOUT_MS",
    default: "10000",
    doc: "A new connection must send its first bytes (the protocol check) and an HTTP/1.1 request its complete headers within this many ms, or the server closes it (408 for HTTP/1.1).",
    parse: integer(1, 3_600_000),
  },
  requestTimeoutMs: {
    env: "DOCMESH_REQUEST_TIMEOUT_MS",
    default: "300000",
    doc: "HTTP/1.1: a whole request (headers and body) must arrive within this many ms (408 otherwise). At least DOCMESH_HEADERS_TIMEOUT_MS.",
    parse: integer(1, 3_600_000),
  },
  keepAliveTimeoutMs: {
    env: "DOCMESH_KEEPALIVE_TIMEOUT_MS",
    default: "5000",
    doc: "HTTP/1.1: a kept-alive connection idle this many ms between requests is closed.",
    parse: integer(1, 3_600_000),
  },
  h2IdleTimeoutMs: {
    env: "DOCMESH_H2_IDLE_TIMEOUT_MS",
    default: "120000",
    doc: "h2c: a connection with no frame received or sent for this many ms is closed (pings do not count; open streams send heartbeats). More than 2 × DOCMESH_HEARTBEAT_SECONDS.",
    parse: integer(1, 3_600_000),
  },
  otlpEndpoint: {
    env: "DOCMESH_OTLP_ENDPOINT",
    default: "",
    doc: "OpenTelemetry: OTLP/HTTP endpoint that receives traces (e.g. http://127.0.0.1:59318, Jaeger from `npm run services -- up jaeger`; spans go to <endpoint>/v1/traces). Empty: spans are made (logs and the outbox carry their ids) but not exported. An unreachable collector only loses spans (docs/operations.md).",
    parse: text,
  },
  traceSampleRatio: {
    env: "DOCMESH_TRACE_SAMPLE_RATIO",
    default: "1",
    doc: "Fraction of new traces recorded, 0–1; a trace that arrives with a caller's traceparent follows the caller's decision.",
    parse: fraction,
  },
  serviceName: {
    env: "DOCMESH_SERVICE_NAME",
    default: "",
    doc: "OpenTelemetry service.name of this process. Empty: docmesh, or docmesh-<roles> when --role is given (e.g. docmesh-classifier).",
    parse: text,
  },
  metricsPort: {
    env: "DOCMESH_METRICS_PORT",
    default: "off",
    doc: "Port of this process's Prometheus endpoint (http://DOCMESH_METRICS_HOST:PORT/metrics); off: none. Give each process on a host its own port.",
    parse: (raw: string, env: string): number | undefined =>
      raw === "off" ? undefined : integer(1, 65535)(raw, env),
  },
  metricsHost: {
    env: "DOCMESH_METRICS_HOST",
    default: "127.0.0.1",
    doc: "Address the Prometheus endpoint binds to.",
    parse: text,
  },
  metricsTargetsDir: {
    env: "DOCMESH_PROMETHEUS_TARGETS_DIR",
    default: "",
    doc: "A Prometheus file_sd directory: a process with a metrics port writes its address there while it runs (`npm run services -- up prometheus` sets it up and exports the variable). Empty: nowhere.",
    parse: text,
  },
  edgeUpstreams: {
    env: "DOCMESH_EDGE_UPSTREAMS",
    default: "127.0.0.1:8080",
    doc: "Envoy rendering (scripts/edge/render.ts): comma-separated host:port of the API processes.",
    parse: list,
  },
  edgeCorsOrigins: {
    env: "DOCMESH_EDGE_CORS_ORIGINS",
    default: "http://localhost:5173,http://127.0.0.1:5173",
    doc: "Envoy rendering: browser origins allowed by CORS (exact match; * allows any).",
    parse: list,
  },
} satisfies Record<string, Setting<unknown>>;

type Settings = typeof SETTINGS;
export type Config = { [K in keyof Settings]: ReturnType<Settings[K]["parse"]> };

/** Reads every setting from `env`, failing with all problems at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const config: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, setting] of Object.entries(SETTINGS) as [string, Setting<unknown>][]) {
    const raw = env[setting.env];
    try {
      config[key] = setting.parse(raw === undefined || raw === "" ? setting.default : raw, setting.env);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems.join("\n"));
  const loaded = { ...(config as Config), ...overrides };
  problems.push(...timeoutProblems(loaded));
  if (problems.length > 0) throw new ConfigError(problems.join("\n"));
  return loaded;
}

/** Timeouts that only make sense together: Node refuses a header timeout above the request timeout. */
function timeoutProblems(config: Config): string[] {
  const problems: string[] = [];
  if (config.headersTimeoutMs > config.requestTimeoutMs) {
    problems.push(
      `DOCMESH_HEADERS_TIMEOUT_MS (${config.headersTimeoutMs}) must not exceed DOCMESH_REQUEST_TIMEOUT_MS (${config.requestTimeoutMs})`,
    );
  }
  if (config.h2IdleTimeoutMs <= 2 * config.heartbeatSeconds * 1000) {
    problems.push(
      `DOCMESH_H2_IDLE_TIMEOUT_MS (${config.h2IdleTimeoutMs}) must exceed 2 heartbeats (DOCMESH_HEARTBEAT_SECONDS=${config.heartbeatSeconds}), or quiet streams are cut`,
    );
  }
  return problems;
}

/** The settings table, for --help and docs. */
export function describeSettings(): string {
  return Object.values(SETTINGS as Record<string, Setting<unknown>>)
    .map((s) => `  ${s.env.padEnd(30)} ${s.doc}\n  ${"".padEnd(30)} default: ${s.default}`)
    .join("\n");
}
