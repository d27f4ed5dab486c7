// The web console behind Envoy: its files and its sign-in probe go to an API process (each one
// serves them, services/console/) without a token, since they hold no data. Only GET and HEAD;
// the development-token minting (POST /console/dev-token) is never routed by the edge.

type Yaml = string | number | boolean | null | Yaml[] | { [key: string]: Yaml };

/** The console's paths, as Envoy route matchers (services/console/static-files.ts claims the same). */
export const CONSOLE_MATCHES: readonly { [key: string]: Yaml }[] = [
  { path: "/" },
  { path: "/index.html" },
  { prefix: "/assets/" },
  { path: "/console/session" },
];

const READ_ONLY = { name: ":method", string_match: { safe_regex: { regex: "^(GET|HEAD)$" } } };

/** Routes for the console to `cluster`, with the token and role filters off (`disabled` per filter). */
export function consoleRoutes(cluster: string, disabled: { [key: string]: Yaml }): Yaml[] {
  return CONSOLE_MATCHES.map((match, i) => ({
    name: `console#${i}`,
    match: { ...match, headers: [READ_ONLY] },
    route: { cluster, timeout: "30s" },
    typed_per_filter_config: disabled,
  }));
}

/** jwt_authn rules that let the console's paths through without a token. */
export function consoleJwtRules(): Yaml[] {
  return CONSOLE_MATCHES.map((match) => ({ match: { ...match, headers: [READ_ONLY] } }));
}
