// A TCP proxy in front of a server whose open connections a test can cut, to break streams mid-way.
import { createConnection, createServer, type Server, type Socket } from "node:net";

export interface CuttableProxy {
  url: string;
  server: Server;
  /** Destroys every open connection; new ones are accepted as before. */
  cut(): void;
}

export function cuttableProxy(target: URL): Promise<CuttableProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${port}`,
        server,
        cut: () => {
          for (const socket of sockets) socket.destroy();
        },
      });
    }),
  );
}
