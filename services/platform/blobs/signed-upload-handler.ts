// HTTP/1.1 handler for presigned PUT uploads to the filesystem blob store, so embedded mode can
// offer large uploads the way S3 does. Mount it first on the HTTP/1.1 server:
//
//   server.on("request", (req, res) => { if (!uploads(req, res)) app(req, res); });
//
// Answers: 200 stored · 403 bad signature · 410 expired · 413 larger than the size the URL was
// signed for (or maxBytes) · 405 not PUT · 400 bad key · 503 storage failure. A refused or
// broken-off body leaves nothing behind: putStream() writes to a temporary file first.

import type { IncomingMessage, ServerResponse } from "node:http";
import { DocmeshError } from "../errors.ts";
import type { FilesystemBlobStore } from "./filesystem.ts";
import { validateKey } from "./keys.ts";

export interface SignedUploadHandlerOptions {
  store: FilesystemBlobStore;
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  /** Called after each completed upload (for logging or metrics). */
  onUpload?: (key: string, bytes: number) => void;
}

export type SignedUploadHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

const PREFIX = "/blobs/";

export function createSignedUploadHandler(options: SignedUploadHandlerOptions): SignedUploadHandler {
  const { store, maxBytes } = options;
  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://upload.invalid");
    if (!url.pathname.startsWith(PREFIX)) return false;

    if (req.method === "OPTIONS") {
      res.writeHead(204, corsHeaders()).end();
      return true;
    }
    if (req.method !== "PUT") {
      reply(req, res, 405, "only PUT is allowed on presigned upload URLs", { allow: "PUT, OPTIONS" });
      return true;
    }
    let key: string;
    try {
      key = validateKey(
        url.pathname
          .slice(PREFIX.length)
          .split("/")
          .map((segment) => decodeURIComponent(segment))
          .join("/"),
      );
    } catch {
      reply(req, res, 400, "invalid blob key");
      return true;
    }
    const verified = store.verifyUpload(key, url.searchParams);
    if (verified.verdict !== "ok") {
      if (verified.verdict === "expired") reply(req, res, 410, "upload URL has expired");
      else reply(req, res, 403, "signature does not match");
      return true;
    }
    // The announced size bounds the body while it streams, not only when the upload completes.
    const limit = Math.min(maxBytes, verified.maxBytes ?? maxBytes);
    const declared = Number(req.headers["content-length"] ?? Number.NaN);
    if (Number.isFinite(declared) && declared > limit) {
      reply(req, res, 413, `body exceeds the limit of ${limit} bytes`);
      return true;
    }

    // destroyOnReturn: false keeps the socket open when the size cap stops the loop, so the
    // client still receives the 413 (the connection is closed right after it).
    const body = req.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>;
    store.putStream(key, body, limit).then(
      (bytes) => {
        options.onUpload?.(key, bytes);
        reply(req, res, 200, "", { etag: `"${bytes}"` }, false);
      },
      (error: unknown) => {
        if (error instanceof DocmeshError && error.kind === "exhausted") {
          reply(req, res, 413, error.message);
        } else if (error instanceof DocmeshError && error.kind === "invalid") {
          reply(req, res, 400, error.message);
        } else if (req.destroyed || req.errored) {
          res.destroy(); // the client went away mid-upload; nothing was stored
        } else {
          reply(req, res, 503, "blob storage unavailable", { "retry-after": "1" });
        }
      },
    );
    return true;
  };
}

function corsHeaders(): Record<string, string> {
  return {
    "access-control-allow-origin": "*",
    "access-control-allow-methods": "PUT, OPTIONS",
    "access-control-allow-headers": "content-type, content-length",
    "access-control-max-age": "600",
  };
}

/**
 * Writes a plain-text answer. When the request body was not (fully) read, the connection is
 * closed after the answer instead of draining an unbounded or unwanted body.
 */
function reply(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
  closeIfUnread = true,
): void {
  if (res.headersSent) return;
  const unread = closeIfUnread && !req.readableEnded;
  const body = message ? `${message}\n` : "";
  res.writeHead(status, {
    ...corsHeaders(),
    ...headers,
    "content-type": "text/plain; charset=utf-8",
    "content-length": String(Buffer.byteLength(body)),
    ...(unread ? { connection: "close" } : {}),
  });
  res.end(body, () => {
    if (unread) req.destroy();
  });
}
