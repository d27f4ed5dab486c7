// Page tokens: an opaque, signed cursor bound to the tenant and the query that
// produced it, so a token can neither be forged nor replayed for another tenant or filter.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { invalid } from "./errors.ts";

export class PageTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = secret ? Buffer.from(secret) : randomBytes(32);
  }

  /** `scope` is everything the cursor is only valid for: tenant, filter, query, mode. */
  encode(scope: unknown, cursor: unknown): string {
    const body = Buffer.from(JSON.stringify({ s: digest(scope), c: cursor })).toString("base64url");
    return `${body}.${this.sign(body)}`;
  }

  decode<T>(scope: unknown, token: string): T {
    const [body, signature, extra] = token.split(".");
    // Compared as bytes: a non-ASCII signature of the right length in characters is longer in bytes.
    const given = Buffer.from(signature ?? "");
    const expected = Buffer.from(body ? this.sign(body) : "");
    if (
      !body ||
      extra !== undefined ||
      given.length !== expected.length ||
      given.length === 0 ||
      !timingSafeEqual(given, expected)
    ) {
      throw invalid("page_token is not a token this server issued");
    }
    const { s, c } = JSON.parse(Buffer.from(body, "base64url").toString()) as { s: string; c: T };
    if (s !== digest(scope)) throw invalid("page_token belongs to a different query; start again without it");
    return c;
  }

  private sign(body: string): string {
    return createHmac("sha256", this.key).update(body).digest("base64url");
  }
}

function digest(scope: unknown): string {
  return createHash("sha256").update(JSON.stringify(scope)).digest("base64url").slice(0, 22);
}
