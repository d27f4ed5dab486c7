// Where webhooks may be sent. A webhook URL is chosen by a tenant and fetched by our servers, so it
// must not reach into the network they run in (SSRF): https only, and no private, loopback,
// link-local, shared or multicast address. A name is resolved at registration and again on every
// connection (its DNS answer may change); an IP literal is checked once, when registered.
// For local development, DOCMESH_WEBHOOK_ALLOW_INSECURE_LOOPBACK admits http and https to loopback.
import type { LookupAddress } from "node:dns";
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { invalid } from "../platform/errors.ts";

export interface TargetPolicy {
  /** http:// and loopback addresses are accepted (development and tests only). */
  allowInsecureLoopback: boolean;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** Addresses that are not the public internet (IANA special-purpose registries). */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, "ipv6");
}

/** Why `address` may not be a webhook target under `policy`, or undefined when it may. */
export function refusedAddress(address: string, policy: TargetPolicy): string | undefined {
  const family = isIP(address) === 6 ? "ipv6" : "ipv4";
  // An IPv4-mapped IPv6 address (::ffff:10.0.0.1) is the IPv4 address it carries.
  const mapped = family === "ipv6" ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] : undefined;
  if (mapped) return refusedAddress(mapped, policy);
  if (policy.allowInsecureLoopback && LOOPBACK.check(address, family)) return undefined;
  if (NOT_PUBLIC.check(address, family)) {
    return `${address} is a private, loopback, link-local or reserved address`;
  }
  return undefined;
}

/** The URL a tenant asked for, checked: INVALID_ARGUMENT naming what is wrong. */
export async function checkEndpointUrl(raw: string, policy: TargetPolicy): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(`url ${JSON.stringify(raw)} is not an absolute URL`);
  }
  if (url.username || url.password) throw invalid("url must not carry a user name or password");
  if (url.hash) throw invalid("url must not have a #fragment");
  const host = hostOf(url);
  const loopbackHost =
    host === "localhost" || (isIP(host) !== 0 && LOOPBACK.check(host, isIP(host) === 6 ? "ipv6" : "ipv4"));
  const insecureAllowed = policy.allowInsecureLoopback && loopbackHost;
  if (url.protocol !== "https:" && !(url.protocol === "http:" && insecureAllowed)) {
    throw invalid(
      `url must use https (got ${url.protocol.replace(":", "")}); http is accepted only for loopback with DOCMESH_WEBHOOK_ALLOW_INSECURE_LOOPBACK=true`,
    );
  }
  const addresses = isIP(host) !== 0 ? [host] : await resolve(host);
  for (const address of addresses) {
    const reason = refusedAddress(address, policy);
    if (reason) throw invalid(`url host ${host} is refused: ${reason}`);
  }
  return url;
}

/** The URL's host without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

async function resolve(host: string): Promise<string[]> {
  try {
    return (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
  } catch {
    throw invalid(`url host ${host} does not resolve`);
  }
}

/**
 * A `lookup` for http(s).request that refuses a name resolving to an address the policy forbids, so
 * the address checked is the address connected to.
 */
export function guardedLookup(policy: TargetPolicy) {
  return (
    hostname: string,
    options: { family?: number; all?: boolean },
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    lookup(hostname, { all: true, verbatim: true, family: options.family ?? 0 }).then(
      (entries) => {
        const refused = entries.map((e) => refusedAddress(e.address, policy)).find((r) => r !== undefined);
        if (refused) return callback(new Error(`${hostname} resolves to a refused address: ${refused}`), []);
        if (options.all) return callback(null, entries);
        const first = entries[0];
        if (!first) return callback(new Error(`${hostname} does not resolve`), []);
        callback(null, first.address, first.family);
      },
      (error: Error) => callback(error, []),
    );
  };
}
