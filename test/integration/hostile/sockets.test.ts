// Hostile TCP clients against the real embedded server (one port, HTTP/1.1 and h2c): resets before
// and after the first byte, idle and half-sent connections, and requests split into tiny segments.
// Small timeouts (DOCMESH_*_TIMEOUT_MS) keep the waits short; the assertions check the server closes
// idle connections itself, within its timeout and not before, and keeps answering.
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import http2 from "node:http2";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IngestionService } from "../../../gen/docmesh/ingestion/v1/ingestion_service_pb.ts";
import { ProgressService } from "../../../gen/docmesh/progress/v1/progress_service_pb.ts";
import { Health, HealthCheckResponse_ServingStatus } from "../../../gen/grpc/health/v1/health_pb.ts";
import { startDocmesh, type TestDocmesh } from "../../support/docmesh.ts";
import { type ChildDocmesh, freePort, spawnDocmesh } from "../../support/process.ts";

const TIMEOUTS = {
  headersTimeoutMs: 1_000,
  requestTimeoutMs: 2_000,
  keepAliveTimeoutMs: 1_000,
  h2IdleTimeoutMs: 3_000,
};
/** Timers fire late on a loaded machine; the server's check runs every headersTimeoutMs / 2. */
const SLACK_MS = 2_000;
/** Node closes a kept-alive socket this long after the keep-alive timeout it advertises. */
const NODE_KEEP_ALIVE_BUFFER_MS = 1_000;
const H2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
/** An empty SETTINGS frame: a complete h2c connection start. */
const H2_SETTINGS = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);

let docmesh: TestDocmesh;
let address: { host: string; port: number };

beforeAll(async () => {
  docmesh = await startDocmesh("embedded", { ...TIMEOUTS, heartbeatSeconds: 1 });
  const url = new URL(docmesh.url);
  address = { host: url.hostname, port: Number(url.port) };
});

afterAll(async () => {
  await docmesh?.stop();
});

/** The server answers over HTTP/1.1 (Connect) and h2c (gRPC). */
async function expectServing(baseUrl = docmesh.url): Promise<void> {
  for (const transport of [
    createConnectTransport({ baseUrl, httpVersion: "1.1" }),
    createGrpcTransport({ baseUrl }),
  ]) {
    const health = createClient(Health, transport);
    expect((await health.check({ service: "" })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
  }
}

interface Watched {
  socket: net.Socket;
  opened: number;
  /** Resolves with how long after opening the server closed it, and what it sent. */
  closed: Promise<{ afterMs: number; received: string }>;
}

async function connect(to = address): Promise<Watched> {
  const socket = net.connect(to);
  socket.setNoDelay(true);
  let received = "";
  socket.on("data", (chunk) => (received += chunk.toString("latin1")));
  socket.on("error", () => {}); // a reset from the server is a close, too
  await once(socket, "connect");
  const opened = Date.now();
  const closed = once(socket, "close").then(() => ({ afterMs: Date.now() - opened, received }));
  return { socket, opened, closed };
}

async function connectAndReset(to: typeof address, first?: string | Buffer): Promise<void> {
  const { socket } = await connect(to);
  if (first !== undefined) {
    socket.write(first);
    await sleep(20);
  }
  // The server may already have closed it (e.g. an h2 session it ended): then there is nothing to
  // reset, and 'close' has been emitted already.
  if (socket.closed) return;
  const closed = once(socket, "close");
  socket.resetAndDestroy(); // SO_LINGER 0: an RST, no FIN
  await closed;
}

/**
 * A TCP relay to the server that forwards the first `splitBytes` bytes a client sends one byte per
 * segment (with a pause between), then the rest as it comes: the smallest segments a peer can send.
 */
async function splittingProxy(splitBytes: number): Promise<{ url: string; close(): Promise<void> }> {
  const relays = new Set<net.Socket>();
  const server = net.createServer((client) => {
    client.pause();
    const upstream = net.connect(address, () => {
      upstream.setNoDelay(true);
      client.resume();
    });
    relays.add(client).add(upstream);
    for (const s of [client, upstream]) s.on("error", () => {});
    upstream.on("data", (d) => client.write(d));
    upstream.on("close", () => client.destroy());
    client.on("close", () => upstream.destroy());
    let sent = 0;
    let chain = Promise.resolve();
    client.on("data", (data: Buffer) => {
      chain = chain.then(async () => {
        for (let i = 0; i < data.length; ) {
          if (sent < splitBytes) {
            upstream.write(data.subarray(i, i + 1));
            sent += 1;
            i += 1;
            await sleep(15);
          } else {
            upstream.write(data.subarray(i));
            break;
          }
        }
      });
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const s of relays) s.destroy();
      server.close();
    },
  };
}

describe("resets", () => {
  // Its own process, as `npm start` runs it: an uncaught socket error would end it.
  let child: ChildDocmesh;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    child = await spawnDocmesh({
      DOCMESH_MODE: "embedded",
      DOCMESH_AUTH: "none",
      DOCMESH_PORT: String(port),
      DOCMESH_DATA_DIR: mkdtempSync(join(tmpdir(), "docmesh-resets-")),
    });
  });
  afterAll(async () => {
    await child?.kill("SIGTERM");
  });

  it("a client that resets before, during and after the protocol check closes only its own connection", async () => {
    const to = { host: "127.0.0.1", port };
    // The reproduction, verbatim: connect, wait, close with SO_LINGER 0 (an RST).
    const python = spawnSync("python3", [
      "-c",
      `import socket,struct,time;s=socket.create_connection(("127.0.0.1",${port}));time.sleep(.2);s.setsockopt(socket.SOL_SOCKET,socket.SO_LINGER,struct.pack("ii",1,0));s.close()`,
    ]);
    expect(python.status, python.stderr.toString()).toBe(0);
    for (let i = 0; i < 20; i++) await connectAndReset(to);
    await connectAndReset(to, "P");
    await connectAndReset(to, "PRI * HTTP/2.0\r\n");
    await connectAndReset(to, Buffer.concat([Buffer.from(H2_PREFACE), H2_SETTINGS]));
    // A broken h2 frame after a good preface: a protocol error for that session only.
    await connectAndReset(to, Buffer.concat([Buffer.from(H2_PREFACE), Buffer.alloc(64, 0xff)]));
    await connectAndReset(to, "POST /docmesh.metadata.v1.MetadataService/GetStats HTTP/1.1\r\nHost: x\r\n");
    await connectAndReset(
      to,
      "POST /docmesh.metadata.v1.MetadataService/GetStats HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    );
    await sleep(200);
    expect(child.process.exitCode).toBeNull();
    expect(child.process.signalCode).toBeNull();
    await expectServing(`http://127.0.0.1:${port}`);
  });
});

describe("idle and half-sent connections are closed by the server", () => {
  it("silent sockets, unfinished headers and half prefaces: closed after the header timeout", async () => {
    const silent = await Promise.all(Array.from({ length: 60 }, () => connect()));
    const unfinished = await Promise.all(Array.from({ length: 10 }, () => connect()));
    for (const { socket } of unfinished)
      socket.write("POST /docmesh.metadata.v1.MetadataService/GetStats HTTP/1.1\r\nHost: x\r\n");
    const halfPreface = await Promise.all(Array.from({ length: 5 }, () => connect()));
    for (const { socket } of halfPreface) socket.write("PRI * HTTP/2.0\r\n");

    const results = await Promise.all([...silent, ...unfinished, ...halfPreface].map((w) => w.closed));
    const times = results.map((r) => r.afterMs);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(TIMEOUTS.headersTimeoutMs - 50);
    expect(Math.max(...times)).toBeLessThan(TIMEOUTS.headersTimeoutMs + SLACK_MS);
    // HTTP/1.1 requests with unfinished headers are told why.
    for (const r of results.slice(silent.length, silent.length + unfinished.length)) {
      expect(r.received).toMatch(/^HTTP\/1\.1 408 /);
    }
    await expectServing();
  }, 20_000);

  it("a headers trickle (slowloris) is cut at the header timeout, however steady", async () => {
    const w = await connect();
    const header = "POST /docmesh.metadata.v1.MetadataService/GetStats HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    w.socket.write(header);
    const trickle = setInterval(() => w.socket.writable && w.socket.write("a"), 100);
    const { afterMs, received } = await w.closed;
    clearInterval(trickle);
    expect(afterMs).toBeLessThan(TIMEOUTS.headersTimeoutMs + SLACK_MS);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("a body that never completes is cut at the request timeout", async () => {
    const w = await connect();
    w.socket.write(
      "POST /docmesh.metadata.v1.MetadataService/GetStats HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    );
    const { afterMs } = await w.closed;
    expect(afterMs).toBeGreaterThanOrEqual(TIMEOUTS.requestTimeoutMs - 50);
    expect(afterMs).toBeLessThan(TIMEOUTS.requestTimeoutMs + SLACK_MS);
  });

  it("an HTTP/1.1 keep-alive connection is closed after the keep-alive timeout", async () => {
    const w = await connect();
    const body = "{}";
    w.socket.write(
      `POST /grpc.health.v1.Health/Check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    const { afterMs, received } = await w.closed;
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(received).toMatch(/keep-alive: timeout=1\r\n/i); // TIMEOUTS.keepAliveTimeoutMs, advertised
    expect(afterMs).toBeGreaterThanOrEqual(TIMEOUTS.keepAliveTimeoutMs - 50);
    expect(afterMs).toBeLessThan(TIMEOUTS.keepAliveTimeoutMs + NODE_KEEP_ALIVE_BUFFER_MS + SLACK_MS);
  });

  it("an idle h2c connection (complete preface, no streams) is closed after the h2 idle timeout", async () => {
    const raw = await Promise.all(Array.from({ length: 5 }, () => connect()));
    for (const { socket } of raw) socket.write(Buffer.concat([Buffer.from(H2_PREFACE), H2_SETTINGS]));
    // And a real client that made one call, then went quiet.
    const session = http2.connect(docmesh.url);
    session.on("error", () => {});
    const opened = Date.now();
    const sessionClosed = once(session, "close").then(() => Date.now() - opened);
    const stream = session.request({
      ":method": "POST",
      ":path": "/grpc.health.v1.Health/Check",
      "content-type": "application/json",
    });
    stream.end("{}");
    const [headers] = (await once(stream, "response")) as [http2.IncomingHttpHeaders];
    expect(headers[":status"]).toBe(200);
    stream.resume();

    const times = (await Promise.all(raw.map((w) => w.closed))).map((r) => r.afterMs);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(TIMEOUTS.h2IdleTimeoutMs - 50);
    expect(Math.max(...times)).toBeLessThan(TIMEOUTS.h2IdleTimeoutMs + SLACK_MS);
    const sessionMs = await sessionClosed;
    expect(sessionMs).toBeGreaterThanOrEqual(TIMEOUTS.h2IdleTimeoutMs - 50);
    expect(sessionMs).toBeLessThan(TIMEOUTS.h2IdleTimeoutMs + SLACK_MS);
    await expectServing();
  }, 20_000);

  it("a server stream quieter than the idle timeout stays open: heartbeats count as traffic", async () => {
    const transport = createGrpcTransport({ baseUrl: docmesh.url });
    const { batch } = await createClient(IngestionService, transport).createBatch({ displayName: "quiet" });
    const abort = new AbortController();
    const holdMs = TIMEOUTS.h2IdleTimeoutMs * 2;
    const timer = setTimeout(() => abort.abort(), holdMs);
    const started = Date.now();
    const heartbeats: number[] = [];
    try {
      const progress = createClient(ProgressService, transport);
      for await (const message of progress.watchBatch(
        { name: batch?.name ?? "" },
        { signal: abort.signal },
      )) {
        if (message.message.case === "heartbeat") heartbeats.push(Date.now() - started);
      }
    } catch (error) {
      expect(ConnectError.from(error).code).toBe(Code.Canceled); // our abort, not a server close
    } finally {
      clearTimeout(timer);
    }
    expect(heartbeats.at(-1)).toBeGreaterThan(holdMs - 1_500);
  }, 20_000);
});

describe("requests split into tiny TCP segments", () => {
  it('a POST whose first segment is the single byte "P" gets a proper HTTP/1.1 answer', async () => {
    const w = await connect();
    const body = "{}";
    const request = `POST /grpc.health.v1.Health/Check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
    for (const piece of ["P", "O", "S", "T", request.slice(4, 20), request.slice(20)]) {
      w.socket.write(piece);
      await sleep(50);
    }
    const { received } = await w.closed;
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(received).toContain('"status":"SERVING"');
    expect(received).not.toContain("GOAWAY");
  });

  it("Connect over HTTP/1.1 and gRPC over h2c, both with the first bytes one per segment", async () => {
    const proxy = await splittingProxy(30); // past the 24-byte preface
    try {
      for (const transport of [
        createConnectTransport({ baseUrl: proxy.url, httpVersion: "1.1" }),
        createGrpcTransport({ baseUrl: proxy.url }),
      ]) {
        const health = createClient(Health, transport);
        expect((await health.check({ service: "" })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
      }
    } finally {
      await proxy.close();
    }
  });
});
