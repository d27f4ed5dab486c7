// The Docmesh client: the four generated Connect clients on one transport, with the token
// interceptor and typed errors, plus the helpers (uploads, resumable watches, page iterators).
import { type Client, createClient, type Interceptor, type Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { toDocmeshError } from "./errors.ts";
import { AdminService } from "./gen/docmesh/admin/v1/admin_service_pb.ts";
import { IngestionService } from "./gen/docmesh/ingestion/v1/ingestion_service_pb.ts";
import { MetadataService } from "./gen/docmesh/metadata/v1/metadata_service_pb.ts";
import { ProgressService } from "./gen/docmesh/progress/v1/progress_service_pb.ts";
import { ReviewService } from "./gen/docmesh/review/v1/review_service_pb.ts";
import { SearchService } from "./gen/docmesh/search/v1/search_service_pb.ts";
import { bearerInterceptor, type TokenSource } from "./token.ts";

export interface DocmeshOptions {
  /** The service or Envoy, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** Bearer token, or a function returning a fresh one before each call. Omit when the server needs none. */
  token?: TokenSource;
  /** "1.1" (default; works through any proxy) or "2". */
  httpVersion?: "1.1" | "2";
  /** Extra interceptors, run after the token one. */
  interceptors?: Interceptor[];
  /** A transport of your own (gRPC, gRPC-Web); `baseUrl`, `httpVersion` and `interceptors` are then ignored. */
  transport?: Transport;
}

/** Rethrows every failure, unary or mid-stream, as the matching DocmeshError. */
const typedErrors: Interceptor = (next) => async (request) => {
  try {
    const response = await next(request);
    if (!response.stream) return response;
    const messages = response.message;
    return {
      ...response,
      message: (async function* () {
        try {
          yield* messages;
        } catch (error) {
          throw toDocmeshError(error);
        }
      })(),
    };
  } catch (error) {
    throw toDocmeshError(error);
  }
};

export interface DocmeshClients {
  ingestion: Client<typeof IngestionService>;
  metadata: Client<typeof MetadataService>;
  search: Client<typeof SearchService>;
  progress: Client<typeof ProgressService>;
  /** The review queue (needs the reviewer role when the server checks tokens). */
  review: Client<typeof ReviewService>;
  /** Dead letters, replays, pipeline status (needs the admin role). */
  admin: Client<typeof AdminService>;
}

export function createDocmeshClients(options: DocmeshOptions): DocmeshClients {
  const interceptors = [typedErrors, ...(options.token ? [bearerInterceptor(options.token)] : [])];
  const transport =
    options.transport ??
    createConnectTransport({
      baseUrl: options.baseUrl,
      httpVersion: options.httpVersion ?? "1.1",
      // Binary protobuf: uploads travel as raw bytes, not base64.
      useBinaryFormat: true,
      interceptors: [...interceptors, ...(options.interceptors ?? [])],
    });
  return {
    ingestion: createClient(IngestionService, transport),
    metadata: createClient(MetadataService, transport),
    search: createClient(SearchService, transport),
    progress: createClient(ProgressService, transport),
    review: createClient(ReviewService, transport),
    admin: createClient(AdminService, transport),
  };
}
