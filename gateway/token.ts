// npm run token -- --tenant acme [--ttl 1h] [--sub alice] [--issuer docmesh-dev] [--audience docmesh]
// Prints a bearer token signed by the DEVELOPMENT key (deploy/envoy/dev-private-key.jwk.json).
//   curl -H "authorization: Bearer $(npm run -s token -- --tenant acme)" http://127.0.0.1:8000/v1/documents
import { parseArgs } from "node:util";
import { loadConfig } from "../services/platform/config.ts";
import { mintToken, parseTtl } from "./dev-token.ts";

const { values } = parseArgs({
  options: {
    tenant: { type: "string" },
    ttl: { type: "string", default: "1h" },
    sub: { type: "string" },
    issuer: { type: "string" },
    audience: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help || !values.tenant) {
  console.error(
    "usage: npm run token -- --tenant <tenant> [--ttl 1h] [--sub <subject>] [--issuer <iss>] [--audience <aud>]",
  );
  console.error("Signs with the DEVELOPMENT key; defaults to DOCMESH_JWT_ISSUER / DOCMESH_JWT_AUDIENCE.");
  process.exit(values.help ? 0 : 2);
}
const config = loadConfig();
process.stdout.write(
  `${await mintToken({
    tenant: values.tenant,
    ttlSeconds: parseTtl(values.ttl),
    subject: values.sub,
    issuer: values.issuer ?? config.jwtIssuer,
    audience: values.audience ?? config.jwtAudience,
  })}\n`,
);
