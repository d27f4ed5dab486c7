// Chooses and opens the adapters for the configured mode: the real engines in
// cluster mode, the embedded ones (local disk, in-process) otherwise.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fromBinary } from "@bufbuild/protobuf";
import { DocumentEventSchema } from "../../gen/docmesh/events/v1/document_event_pb.ts";
import type { AiProvider } from "../ai/ai.ts";
import { createBuiltinProvider } from "../ai/builtin/index.ts";
import { configureSharedEmbedder, defaultModelDir } from "../ai/embedding/index.ts";
import { createOllamaProvider } from "../ai/ollama/index.ts";
import type { BlobStore } from "./blobs/blobs.ts";
import { FilesystemBlobStore } from "./blobs/filesystem.ts";
import { MinioBlobStore } from "./blobs/minio.ts";
import { createSignedUploadHandler, type SignedUploadHandler } from "./blobs/signed-upload-handler.ts";
import type { EventBus } from "./bus/bus.ts";
import { EmbeddedBus } from "./bus/embedded.ts";
import { KafkaBus } from "./bus/kafka.ts";
import type { Config } from "./config.ts";
import { ConfluentEventCodec, type EventCodec, PlainEventCodec } from "./events/codec.ts";
import { DOCUMENT_EVENTS_TOPIC, TOPICS } from "./events/topics.ts";
import { EmbeddedSearchIndex } from "./index/embedded.ts";
import { OpenSearchIndex } from "./index/opensearch.ts";
import type { SearchIndex } from "./index/search-index.ts";
import { DocumentStore } from "./store/document-store.ts";
import { migrate } from "./store/migrate.ts";
import { openPglite } from "./store/pglite.ts";
import { openPostgres } from "./store/postgres.ts";
import { ProgressStore } from "./store/progress-store.ts";
import type { SqlDatabase } from "./store/sql.ts";
import { UploadStore } from "./store/upload-store.ts";
import { BLOB_OPERATIONS, INDEX_OPERATIONS, tracedAi, tracedPort } from "./telemetry/ports.ts";

export interface Platform {
  db: SqlDatabase;
  store: DocumentStore;
  uploads: UploadStore;
  progressLog: ProgressStore;
  blobs: BlobStore;
  index: SearchIndex;
  bus: EventBus;
  codec: EventCodec;
  ai: AiProvider;
  /** Embedded mode serves presigned uploads itself. */
  uploadRoute?: SignedUploadHandler;
  /** Turns an outbox payload (protobuf binary) into the wire value. */
  encodeOutbox(topic: string, payload: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}

export async function openPlatform(config: Config, publicBaseUrl: string): Promise<Platform> {
  const ai = openAi(config);
  const parts =
    config.mode === "cluster" ? await openCluster(config) : await openEmbedded(config, publicBaseUrl);
  // Independent engines: prepare them side by side (PGlite opens take seconds each).
  await Promise.all([
    migrate(parts.db),
    parts.blobs.ensure(),
    parts.index.ensure(ai.embeddingDimensions, ai.embeddingModel),
    parts.bus.ensureTopics([...TOPICS]),
  ]);
  // After an embedding-model change the embedded index dropped the old vectors: embed the stored
  // chunks again in the background (keyword search works meanwhile, semantic fills up).
  if (parts.index instanceof EmbeddedSearchIndex) {
    const index = parts.index;
    void index
      .reembed((texts) => ai.embed(texts))
      .catch((error) => {
        console.error(`search index: re-embedding failed: ${(error as Error).message}`);
      });
  }
  return {
    ...parts,
    // Spans and latency metrics around every call to object storage, the index and the AI provider.
    blobs: tracedPort(
      "blobs",
      config.mode === "cluster" ? "minio" : "filesystem",
      parts.blobs,
      BLOB_OPERATIONS,
    ),
    index: tracedPort(
      "index",
      config.mode === "cluster" ? "opensearch" : "pglite",
      parts.index,
      INDEX_OPERATIONS,
    ),
    ai: tracedAi(ai),
    store: new DocumentStore(parts.db, DOCUMENT_EVENTS_TOPIC),
    uploads: new UploadStore(parts.db),
    progressLog: new ProgressStore(parts.db),
    encodeOutbox: (_topic, payload) => parts.codec.encode(fromBinary(DocumentEventSchema, payload)),
    async close() {
      await parts.bus.close();
      await parts.index.close();
      await parts.db.close();
    },
  };
}

function openAi(config: Config): AiProvider {
  if (config.aiProvider === "ollama") {
    return createOllamaProvider({
      host: config.ollamaUrl,
      model: config.ollamaModel,
      embedModel: config.ollamaEmbedModel,
    });
  }
  configureSharedEmbedder({ modelDir: defaultModelDir(config.cacheDir || undefined) });
  return createBuiltinProvider();
}

async function openCluster(config: Config) {
  const db = openPostgres(config.databaseUrl);
  const blobs = new MinioBlobStore({
    endpoint: config.s3Endpoint,
    accessKey: config.s3AccessKey,
    secretKey: config.s3SecretKey,
    bucket: config.s3Bucket,
  });
  const index = new OpenSearchIndex({
    url: config.opensearchUrl,
    index: config.opensearchIndex,
    refresh: config.indexRefresh === "immediate" ? true : "wait_for",
    efSearch: config.opensearchEfSearch,
  });
  const bus = new KafkaBus({ brokers: config.kafkaBrokers, clientId: "docmesh" });
  const codec = await ConfluentEventCodec.create({ registryUrl: config.schemaRegistryUrl });
  return { db, blobs, index, bus, codec, uploadRoute: undefined };
}

async function openEmbedded(config: Config, publicBaseUrl: string) {
  const root = resolve(config.dataDir);
  mkdirSync(root, { recursive: true });
  const db = await openPglite(join(root, "metadata"));
  const blobs = new FilesystemBlobStore({
    root: join(root, "blobs"),
    publicBaseUrl,
    signingKey: localSecret(root, "upload-signing.key"),
  });
  const index = new EmbeddedSearchIndex({ dataDir: join(root, "index") });
  const bus = await EmbeddedBus.open({ directory: join(root, "events") });
  const uploadRoute = createSignedUploadHandler({ store: blobs, maxBytes: 5 * 1024 * 1024 * 1024 });
  return { db, blobs, index, bus, codec: new PlainEventCodec(), uploadRoute };
}

/** A random secret created once per data directory and kept there. */
function localSecret(root: string, name: string): string {
  const path = join(root, name);
  if (!existsSync(path)) writeFileSync(path, randomBytes(32).toString("hex"), { mode: 0o600 });
  return readFileSync(path, "utf8").trim();
}
