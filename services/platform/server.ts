import http from "node:http";
import http2 from "node:http2";
import type net from "node:net";
import {
  type ConnectRouter,
  createContextKey,
  createContextValues,
  type Interceptor,
} from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { type Config, SETTINGS } from "./config.ts";
import { logger } from "./log.ts";

/** How long a connection may take or stay idle (DOCMESH_*_TIMEOUT_MS in config.ts). */
export type ConnectionTimeouts = Pick<
  Config,
  "headersTimeoutMs" | "requestTimeoutMs" | "keepAliveTimeoutMs" | "h2IdleTimeoutMs"
>;

export interface ServerOptions {
  host: string;
  port: number;
  routes: (router: ConnectRouter) => void;
  interceptors?: Interceptor[];
  /** Plain HTTP/1.1 routes served beside the RPCs (e.g. presigned uploads); return true when handled. */
  httpRoutes?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
  /** Unset ones take the documented defaults. */
  timeouts?: Partial<ConnectionTimeouts>;
}

export interface RunningServer {
  /** The bound port (useful when asked for port 0). */
  port: number;
  url: string;
  close(): Promise<void>;
}

/** The TCP peer of a call, from the socket (never a header): what failed logins are counted by. */
export const CLIENT_ADDRESS = createContextKey<string>("unknown", { description: "TCP peer address" });

// The HTTP/2 client preface. gRPC clients speak h2c with prior knowledge; browsers,
// curl and Connect/gRPC-Web clients over HTTP/1.1 do not, so one port serves both.
const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

/** h2c once the whole preface has arrived, HTTP/1.1 as soon as a byte differs from it. */
export function sniffProtocol(received: Buffer): "h2c" | "http1" | "undecided" {
  const length = Math.min(received.length, H2_PREFACE.length);
  if (!received.subarray(0, length).equals(H2_PREFACE.subarray(0, length))) return "http1";
  return length === H2_PREFACE.length ? "h2c" : "undecided";
}

const log = logger("server");

/** Serves the routes over Connect, gRPC and gRPC-Web, on HTTP/1.1 and h2c, on one port. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const handler = connectNodeAdapter({
    routes: options.routes,
    interceptors: options.interceptors ?? [],
    // The contracts cap one-call uploads at 64 MiB of content. Over JSON that content arrives as
    // base64 (4/3 larger) in an envelope, so the transport allows that much and the handler's
    // own size check (RESOURCE_EXHAUSTED, naming CreateUpload) is the one callers meet.
    readMaxBytes: Math.ceil((64 * 1024 * 1024) / 3) * 4 + 1024 * 1024,
    contextValues: (req) => createContextValues().set(CLIENT_ADDRESS, req.socket.remoteAddress ?? "unknown"),
    fallback: unimplemented,
  });
  // Sessions idle for h2IdleTimeoutMs are destroyed (no 'timeout' listener: Node's default).
  // The plain HTTP routes answer over h2c too (Envoy's upstream connections are HTTP/2, and the web
  // console is served through them); they use only what the compatibility API shares with HTTP/1.1.
  const h2 = http2.createServer({}, (req, res) => {
    if (!options.httpRoutes?.(req as unknown as http.IncomingMessage, res as unknown as http.ServerResponse))
      handler(req, res);
  });
  h2.setTimeout(timeouts.h2IdleTimeoutMs);
  // The HTTP/1.1 server owns the port: Node checks its header and request timeouts only on a
  // server that listens. Its connection handler is taken over to sniff for h2c first.
  const h1 = http.createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      keepAliveTimeout: timeouts.keepAliveTimeoutMs,
      // Node's 30 s default would let a 1 s header timeout run for 30 s.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, timeouts.headersTimeoutMs / 2)),
    },
    (req, res) => {
      if (!options.httpRoutes?.(req, res)) handler(req, res);
    },
  );
  const serveHttp1 = h1.listeners("connection")[0] as (socket: net.Socket) => void;
  h1.removeAllListeners("connection");
  const sockets = new Set<net.Socket>();

  h1.on("connection", (socket: net.Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    // A reset (ECONNRESET) or any socket error, before or after the hand-off, closes only this
    // connection; without a listener it would be an uncaught 'error' that ends the process.
    socket.on("error", (error) => log.debug("connection error", { error: error.message }));
    awaitProtocol(socket, timeouts.headersTimeoutMs, (protocol) => {
      if (protocol === "h2c") {
        // As on Node's own h2c server: a peer's FIN ends the session, not half of it.
        socket.allowHalfOpen = false;
        // http2 reads the buffered bytes itself, then takes over the native handle.
        h2.emit("connection", socket);
      } else {
        serveHttp1.call(h1, socket);
        socket.resume();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    h1.once("error", reject);
    h1.listen(options.port, options.host, () => resolve());
  });
  const port = (h1.address() as net.AddressInfo).port;

  return {
    port,
    url: `http://${options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        h1.close(() => resolve());
        h1.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/**
 * Buffers a new connection's bytes until they tell HTTP/1.1 from h2c (a plain request may arrive
 * one byte per TCP segment), then puts them back and hands the paused socket on. A client that
 * neither finishes nor diverges from the preface within `timeoutMs` is disconnected.
 */
function awaitProtocol(
  socket: net.Socket,
  timeoutMs: number,
  decided: (protocol: "h2c" | "http1") => void,
): void {
  let received: Buffer = Buffer.alloc(0);
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  const stop = () => {
    clearTimeout(timer);
    socket.off("data", onData);
    socket.off("end", onEnd);
  };
  const onData = (chunk: Buffer) => {
    received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
    const protocol = sniffProtocol(received);
    if (protocol === "undecided") return;
    stop();
    socket.pause();
    socket.unshift(received);
    decided(protocol);
  };
  // The peer closed before saying which protocol: nothing to answer.
  const onEnd = () => socket.destroy();
  socket.on("data", onData);
  socket.on("end", onEnd);
  socket.once("close", stop);
}

/**
 * A path that is no RPC: UNIMPLEMENTED in the caller's protocol (gRPC: grpc-status 12, in the
 * trailers; gRPC-Web: in the headers; Connect and anything else: HTTP 404 with a Connect error body),
 * instead of a bare 404 a gRPC client reports as a transport failure.
 */
export const unimplemented: NonNullable<Parameters<typeof connectNodeAdapter>[0]["fallback"]> = (
  req,
  res,
) => {
  const type = String(req.headers["content-type"] ?? "");
  const message = `${req.method} ${req.url?.split("?")[0]} is not a known RPC`;
  const status = { "grpc-status": "12", "grpc-message": encodeURIComponent(message) };
  if (type.startsWith("application/grpc-web")) {
    res.writeHead(200, { "content-type": type, ...status });
    res.end();
  } else if (type.startsWith("application/grpc")) {
    res.writeHead(200, { "content-type": type });
    res.addTrailers(status);
    res.end();
  } else {
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ code: "unimplemented", message }));
  }
};

const DEFAULT_TIMEOUTS: ConnectionTimeouts = {
  headersTimeoutMs: Number(SETTINGS.headersTimeoutMs.default),
  requestTimeoutMs: Number(SETTINGS.requestTimeoutMs.default),
  keepAliveTimeoutMs: Number(SETTINGS.keepAliveTimeoutMs.default),
  h2IdleTimeoutMs: Number(SETTINGS.h2IdleTimeoutMs.default),
};
