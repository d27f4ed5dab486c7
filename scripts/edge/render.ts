// Renders the Envoy config from the contracts and the settings (services/platform/config.ts).
//   tsx scripts/edge/render.ts                 → deploy/envoy/envoy.yaml (the committed defaults)
//   tsx scripts/edge/render.ts --out FILE --listen-port N --admin-port N --upstreams H:P[,H:P]
//                              --descriptor FILE --jwks FILE|URL
// Every setting (DOCMESH_RATE_LIMITS, DOCMESH_EDGE_UPSTREAMS, DOCMESH_JWT_ISSUER, ...) is read from
// the environment as the services read it.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DEFAULT_EDGE, edgeOptionsFrom } from "../../gateway/edge-options.ts";
import { renderEnvoyYaml } from "../../gateway/envoy-config.ts";
import { loadConfig } from "../../services/platform/config.ts";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: DEFAULT_EDGE.out },
    "listen-address": { type: "string" },
    "listen-port": { type: "string" },
    "admin-port": { type: "string" },
    upstreams: { type: "string" },
    descriptor: { type: "string" },
    jwks: { type: "string" },
  },
});
const options = edgeOptionsFrom(loadConfig(), {
  ...(values["listen-address"] ? { listenAddress: values["listen-address"] } : {}),
  ...(values["listen-port"] ? { listenPort: Number(values["listen-port"]) } : {}),
  ...(values["admin-port"] ? { adminPort: Number(values["admin-port"]) } : {}),
  ...(values.upstreams ? { upstreams: values.upstreams.split(",") } : {}),
  ...(values.descriptor ? { descriptorSet: values.descriptor } : {}),
  ...(values.jwks ? { jwks: values.jwks } : {}),
});
writeFileSync(values.out, renderEnvoyYaml(options));
console.log(`wrote ${values.out}`);
