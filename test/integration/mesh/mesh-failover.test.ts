// The mesh behind the real Envoy: two processes of every public service (roles ingestion,
// metadata, search, progress; cluster mode, JWT), the stages in this process. Under steady load,
// one process of each service is killed with SIGKILL. Unary calls see no error beyond what the
// client's retry policy (UNAVAILABLE, 3 attempts) hides, and every progress stream resumes
// (after_sequence) with no gap and no repeat.
import { randomUUID } from "node:crypto";
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_JWKS_PATH, mintToken } from "../../../gateway/dev-token.ts";
import { IngestionService } from "../../../gen/docmesh/ingestion/v1/ingestion_service_pb.ts";
import { MetadataService } from "../../../gen/docmesh/metadata/v1/metadata_service_pb.ts";
import { ProgressService } from "../../../gen/docmesh/progress/v1/progress_service_pb.ts";
import { SearchService } from "../../../gen/docmesh/search/v1/search_service_pb.ts";
import { loadConfig } from "../../../services/platform/config.ts";
import { type Running, run, SERVICE_ROLES } from "../../../services/runtime.ts";
import { type ChildDocmesh, freePort, spawnDocmesh } from "../../support/process.ts";
import { type Edge, startEdge } from "../edge/edge.ts";

const REPLICAS = 2;
const LOAD_BEFORE_KILL_MS = 5_000;
const LOAD_AFTER_KILL_MS = 10_000;
const TERMINAL = 5; // DOCUMENT_STATUS_INDEXED and every status after it

/**
 * The client's retry policy: UNAVAILABLE (the edge found no live process) is tried again, backing
 * off 0.2, 0.4, 0.8 s: under CI load Envoy's health checks can take a few seconds to eject the
 * killed process.
 */
const RETRY_ATTEMPTS = 4;
const retryUnavailable: Interceptor = (next) => async (request) => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await next(request);
    } catch (error) {
      if (request.stream || attempt >= RETRY_ATTEMPTS) throw error;
      if (ConnectError.from(error).code !== Code.Unavailable) throw error;
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
  }
};

interface Replica {
  role: string;
  port: number;
  child: ChildDocmesh;
}

const tenant = `mesh-${randomUUID().slice(0, 8)}`;
const replicas: Replica[] = [];
const unexpectedExits: string[] = [];
let stages: Running | undefined;
let edge: Edge | undefined;

beforeAll(async () => {
  const secret = randomUUID();
  const env = {
    DOCMESH_MODE: "cluster",
    DOCMESH_AUTH: "jwt",
    DOCMESH_JWKS: DEV_JWKS_PATH,
    // Page tokens signed by one process must verify on the other.
    DOCMESH_PAGE_TOKEN_SECRET: secret,
    DOCMESH_HEARTBEAT_SECONDS: "1",
    DOCMESH_PARSE_WORKERS: "1",
    DOCMESH_LOG_LEVEL: "info",
  };
  const planned = await Promise.all(
    SERVICE_ROLES.flatMap((role) =>
      Array.from({ length: REPLICAS }, async () => ({ role, port: await freePort() })),
    ),
  );
  // freePort can hand out a port twice when asked concurrently.
  if (new Set(planned.map((p) => p.port)).size !== planned.length) throw new Error("port collision; rerun");
  const started = await Promise.all(
    planned.map(async ({ role, port }) => ({
      role,
      port,
      child: await spawnDocmesh({ ...env, DOCMESH_PORT: String(port) }, role),
    })),
  );
  replicas.push(...started);
  // A replica that dies on its own (not killed by this test) is a failure worth naming.
  for (const { role, port, child } of started) {
    child.process.once("exit", (code, signal) => {
      if (signal !== "SIGKILL" && signal !== "SIGTERM")
        unexpectedExits.push(`${role}:${port} exited ${code ?? signal}`);
    });
  }
  stages = await run(
    loadConfig(process.env, { mode: "cluster", port: 0, auth: "jwt", jwks: DEV_JWKS_PATH, parseWorkers: 1 }),
    ["relay", "classifier", "extractor", "indexer"],
  );
  if (unexpectedExits.length > 0) throw new Error(`replicas died: ${unexpectedExits.join("; ")}`);
  edge = await startEdge(`http://127.0.0.1:${replicas[0]?.port}`, {
    upstreams: replicas.map((r) => `${r.role}=127.0.0.1:${r.port}`),
  });
}, 240_000);

afterAll(async () => {
  await edge?.stop();
  for (const replica of replicas) await replica.child.kill();
  await stages?.stop();
});

describe("the mesh behind Envoy, one process of each service killed under load", () => {
  it("hides the kills from unary callers and resumes every progress stream without a gap", async () => {
    if (!edge) throw new Error("edge not started");
    const token = await mintToken({ tenant });
    const transport = createConnectTransport({
      baseUrl: edge.url,
      httpVersion: "2",
      interceptors: [
        (next) => (request) => {
          request.header.set("authorization", `Bearer ${token}`);
          return next(request);
        },
        retryUnavailable,
      ],
    });
    const ingestion = createClient(IngestionService, transport);
    const metadata = createClient(MetadataService, transport);
    const search = createClient(SearchService, transport);
    const progress = createClient(ProgressService, transport);

    const errors: string[] = [];
    const calls = { upload: 0, get: 0, list: 0, search: 0 };
    const watches: Promise<{ sequences: bigint[]; resumes: number; terminal: boolean }>[] = [];
    let loading = true;
    const unary = async <T>(kind: keyof typeof calls, call: () => Promise<T>): Promise<T | undefined> => {
      try {
        const result = await call();
        calls[kind]++;
        return result;
      } catch (error) {
        errors.push(`${kind}: ${ConnectError.from(error).message}`);
        return undefined;
      }
    };

    /** Watches one document to the end, resuming after the last sequence whenever the stream breaks. */
    const watch = async (name: string) => {
      const sequences: bigint[] = [];
      let resumes = 0;
      let terminal = false;
      // Resume for up to 60 s: a resume that lands on the killed process fails fast until Envoy
      // ejects it, so a count of attempts alone can run out before the edge has noticed.
      const giveUpAt = Date.now() + 60_000;
      while (!terminal && Date.now() < giveUpAt) {
        try {
          const after = sequences.at(-1) ?? 0n;
          for await (const message of progress.watchDocument({ name, afterSequence: after })) {
            if (message.message.case !== "update") continue;
            sequences.push(message.message.value.sequence);
            if (message.message.value.status >= TERMINAL) terminal = true;
          }
          // A stream ends when the document is terminal.
          terminal = true;
        } catch {
          resumes++;
          await new Promise((r) => setTimeout(r, Math.min(200 * resumes, 1_000)));
        }
      }
      return { sequences, resumes, terminal };
    };

    const uploader = async (worker: number) => {
      for (let i = 0; loading; i++) {
        const text = `Invoice ${worker}-${i} ${randomUUID()}\nTotal due: ${10 + i}.00 EUR\nmesh failover load`;
        const response = await unary("upload", () =>
          ingestion.uploadDocument({ fileName: `load-${worker}-${i}.txt`, content: Buffer.from(text) }),
        );
        const name = response?.document?.name;
        if (name) watches.push(watch(name));
        await new Promise((r) => setTimeout(r, 300));
      }
    };
    const reader = async () => {
      while (loading) {
        const list = await unary("list", () => metadata.listDocuments({ pageSize: 5 }));
        const first = list?.documents[0]?.name;
        if (first) await unary("get", () => metadata.getDocument({ name: first }));
        await unary("search", () => search.searchDocuments({ query: "invoice total" }));
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    const load = Promise.all([uploader(0), uploader(1), reader(), reader()]);
    await new Promise((r) => setTimeout(r, LOAD_BEFORE_KILL_MS));
    const victims = SERVICE_ROLES.map((role) => replicas.find((r) => r.role === role));
    await Promise.all(victims.map((victim) => victim?.child.kill("SIGKILL")));
    await new Promise((r) => setTimeout(r, LOAD_AFTER_KILL_MS));
    loading = false;
    await load;
    const watched = await Promise.all(watches);

    expect(unexpectedExits).toEqual([]);
    expect(errors).toEqual([]);
    expect(calls.upload).toBeGreaterThan(10);
    expect(calls.search).toBeGreaterThan(10);
    for (const { sequences, terminal } of watched) {
      expect(terminal).toBe(true);
      // Every update once, in order, from the first: no gap across a resume, no repeat.
      expect(sequences).toEqual(sequences.map((_, i) => BigInt(i + 1)));
    }
    // Streams on the killed progress process did break and resume.
    expect(watched.reduce((n, w) => n + w.resumes, 0)).toBeGreaterThan(0);
    // The survivors still serve every service, with their own health.
    const health = await fetch(`${edge.adminUrl}/clusters`).then((r) => r.text());
    for (const role of SERVICE_ROLES) expect(health).toMatch(new RegExp(`docmesh_${role}::127`));
  }, 300_000);
});
