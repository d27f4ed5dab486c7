// Serves the built web console (web/dist, written by `npm run web:build`) over plain HTTP/1.1.
// Only `/`, `/index.html` and `/assets/*` are claimed, so every Connect, gRPC-Web and REST path
// (`/docmesh.*`, `/grpc.*`, `/v1/*`) still reaches the RPC handler.

import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type http from "node:http";
import { extname, join, normalize, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".woff2": "font/woff2",
};

/** Whether a path is one the console owns (everything else stays with the RPC handler). */
export function isConsolePath(pathname: string): boolean {
  return pathname === "/" || pathname === "/index.html" || pathname.startsWith("/assets/");
}

export function staticFiles(
  distDir: string,
): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  const root = normalize(distDir);
  return (req, res) => {
    const pathname = new URL(req.url ?? "/", "http://console.invalid").pathname;
    if (!isConsolePath(pathname) || (req.method !== "GET" && req.method !== "HEAD")) return false;
    const relative = pathname === "/" ? "index.html" : safeDecode(pathname.slice(1));
    const file = normalize(join(root, relative ?? ""));
    // Encoded dots or separators (`..%2f`) could climb out of assets/: such paths are refused.
    if (
      relative === undefined ||
      /(^|[/\\])\.\.([/\\]|$)|[\\\0]/.test(relative) ||
      !file.startsWith(root + sep)
    ) {
      send(res, 404, "not found");
      return true;
    }
    void serveFile(file, req, res, pathname);
    return true;
  };
}

async function serveFile(
  file: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  pathname: string,
): Promise<void> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) {
    send(
      res,
      404,
      pathname === "/"
        ? "The web console is not built: run `npm run web:build` (npm install does it), then reload."
        : "not found",
    );
    return;
  }
  res.writeHead(200, {
    "content-type": TYPES[extname(file)] ?? "application/octet-stream",
    "content-length": info.size,
    // Vite puts a content hash in every asset name; index.html must be fetched fresh.
    "cache-control": pathname.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
    "x-content-type-options": "nosniff",
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  createReadStream(file)
    .on("error", () => res.destroy())
    .pipe(res);
}

function safeDecode(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

function send(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(text);
}
