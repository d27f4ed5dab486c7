// npm run token -- --tenant acme [--role reviewer]... [--ttl 1h] [--sub alice] [--issuer docmesh-dev] [--audience docmesh]
// Prints a bearer token signed by the DEVELOPMENT key (deploy/envoy/dev-private-key.jwk.json).
//   curl -H "authorization: Bearer $(npm run -s token -- --tenant acme)" http://127.0.0.1:8000/v1/documents
import { parseArgs } from "node:util";
import { loadConfig } from "../services/platform/config.ts";
import { mintToken, parseTtl } from "./dev-token.ts";
import { ACCESS_ROLES } from "./policy.ts";

const { values } = parseArgs({
  options: {
    tenant: { type: "string" },
    role: { type: "string", multiple: true },
    ttl: { type: "string", default: "1h" },
    sub: { type: "string" },
    issuer: { type: "string" },
    audience: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help || !values.tenant) {
  console.error(
    "usage: npm run token -- --tenant <tenant> [--role uploader|reviewer|admin]... [--ttl 1h] [--sub <subject>] [--issuer <iss>] [--audience <aud>]",
  );
  console.error("Without --role the token has no roles claim and acts as an uploader (docs/review.md).");
  console.error("Signs with the DEVELOPMENT key; defaults to DOCMESH_JWT_ISSUER / DOCMESH_JWT_AUDIENCE.");
  process.exit(values.help ? 0 : 2);
}
const unknownRole = values.role?.find((role) => !(ACCESS_ROLES as readonly string[]).includes(role));
if (unknownRole !== undefined) {
  console.error(`--role ${unknownRole}: not one of ${ACCESS_ROLES.join(", ")}`);
  process.exit(2);
}
const config = loadConfig();
process.stdout.write(
  `${await mintToken({
    tenant: values.tenant,
    ttlSeconds: parseTtl(values.ttl),
    subject: values.sub,
    roles: values.role,
    issuer: values.issuer ?? config.jwtIssuer,
    audience: values.audience ?? config.jwtAudience,
  })}\n`,
);
