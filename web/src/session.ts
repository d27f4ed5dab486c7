// The signed-in identity: a bearer token kept in localStorage, and what the server says about sign-in.

const TOKEN_KEY = "docmesh.token";

export interface ServerSession {
  /** jwt: every call needs a token; none: the server is single-tenant and needs none. */
  auth: "jwt" | "none";
  /** This (embedded, development-keyed) server mints tokens at POST /console/dev-token. */
  devTokens: boolean;
  mode: string;
}

export interface TokenClaims {
  tenant?: string;
  sub?: string;
  exp?: number;
  roles?: string[];
}

export function token(): string | undefined {
  return localStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function setToken(value: string | undefined): void {
  if (value) localStorage.setItem(TOKEN_KEY, value);
  else localStorage.removeItem(TOKEN_KEY);
}

/** The token's claims, read without verifying (the server verifies); undefined when unreadable. */
export function claims(value = token()): TokenClaims | undefined {
  const payload = value?.split(".")[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as TokenClaims;
  } catch {
    return undefined;
  }
}

export function expired(value = token()): boolean {
  const exp = claims(value)?.exp;
  return exp !== undefined && exp * 1000 <= Date.now();
}

let cached: Promise<ServerSession> | undefined;

/** Asked once per page load; a server without the console routes is taken as needing tokens. */
export function serverSession(): Promise<ServerSession> {
  cached ??= fetch("console/session", { headers: { accept: "application/json" } })
    .then((r) =>
      r.ok ? (r.json() as Promise<ServerSession>) : { auth: "jwt" as const, devTokens: false, mode: "" },
    )
    .catch(() => ({ auth: "jwt" as const, devTokens: false, mode: "" }));
  return cached;
}

/** Signed in: a live token, or a server that needs none. */
export async function signedIn(): Promise<boolean> {
  const session = await serverSession();
  return session.auth === "none" || (token() !== undefined && !expired());
}

export async function mintDevToken(tenant: string, roles: string[]): Promise<string> {
  const response = await fetch("console/dev-token", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tenant, roles }),
  });
  const body = (await response.json().catch(() => ({}))) as { token?: string; error?: string };
  if (!response.ok || !body.token) throw new Error(body.error ?? `minting failed (HTTP ${response.status})`);
  return body.token;
}
