import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import type { ConnectRouter, Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";

export interface ServerOptions {
  host: string;
  port: number;
  routes: (router: ConnectRouter) => void;
  interceptors?: Interceptor[];
  /** Plain HTTP/1.1 routes served beside the RPCs (e.g. presigned uploads); return true when handled. */
  httpRoutes?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
}

export interface RunningServer {
  /** The bound port (useful when asked for port 0). */
  port: number;
  url: string;
  close(): Promise<void>;
}

// The HTTP/2 client preface. gRPC clients speak h2c with prior knowledge; browsers,
// curl and Connect/gRPC-Web clients over HTTP/1.1 do not, so one port serves both.
const H2_PREFACE = Buffer.from("PRI * HTTP/2.0");

/** Serves the routes over Connect, gRPC and gRPC-Web, on HTTP/1.1 and h2c, on one port. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const handler = connectNodeAdapter({
    routes: options.routes,
    interceptors: options.interceptors ?? [],
    // The contracts cap one-call uploads at 64 MiB; anything larger is refused before it is buffered.
    readMaxBytes: 65 * 1024 * 1024,
  });
  const h2 = http2.createServer({}, handler);
  const h1 = http.createServer((req, res) => {
    if (!options.httpRoutes?.(req, res)) handler(req, res);
  });
  const sockets = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.once("data", (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      const isHttp2 = first.subarray(0, H2_PREFACE.length).equals(H2_PREFACE.subarray(0, first.length));
      if (isHttp2) {
        // http2 reads the buffered first chunk itself, then takes over the native handle.
        h2.emit("connection", socket);
      } else {
        h1.emit("connection", socket);
        socket.resume();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    url: `http://${options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        h1.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}
