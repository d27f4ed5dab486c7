// Connect-Web clients for the public services, over the page's own origin (the API process in
// embedded mode, Envoy in cluster mode), with the signed-in token on every call.

import { type Client, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { IngestionService } from "../../gen/docmesh/ingestion/v1/ingestion_service_pb.ts";
import { MetadataService } from "../../gen/docmesh/metadata/v1/metadata_service_pb.ts";
import { ProgressService } from "../../gen/docmesh/progress/v1/progress_service_pb.ts";
import { ReviewService } from "../../gen/docmesh/review/v1/review_service_pb.ts";
import { SearchService } from "../../gen/docmesh/search/v1/search_service_pb.ts";
import { token } from "./session.ts";

const bearer: Interceptor = (next) => (request) => {
  const value = token();
  if (value) request.header.set("authorization", `Bearer ${value}`);
  return next(request);
};

const transport = createConnectTransport({
  baseUrl: new URL(".", location.href).href.replace(/\/$/, ""),
  interceptors: [bearer],
});

export const ingestion: Client<typeof IngestionService> = createClient(IngestionService, transport);
export const metadata: Client<typeof MetadataService> = createClient(MetadataService, transport);
export const search: Client<typeof SearchService> = createClient(SearchService, transport);
export const progress: Client<typeof ProgressService> = createClient(ProgressService, transport);
export const review: Client<typeof ReviewService> = createClient(ReviewService, transport);
export { transport };
