// The webhook signature, as Stripe signs: HMAC-SHA256 with the endpoint's secret over
// "<unix seconds>.<raw body>", sent as `Docmesh-Signature: t=<unix seconds>,v1=<hex digest>`.
// The timestamp is signed too, so a receiver can refuse an old delivery replayed at it.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "docmesh-signature";
/** How old a signature a receiver accepts by default (the clocks of both ends may differ a little). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A new endpoint secret: 32 random bytes, base64url, with a prefix that says what it is. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${digest(secret, unixSeconds, body)}`;
}

/**
 * Whether `header` is a valid signature of `body` made with `secret` no more than `toleranceSeconds`
 * from `nowSeconds`. `body` must be the raw bytes as received, before any JSON parsing.
 */
export function verifyWebhookSignature(
  secret: string,
  body: string,
  header: string,
  options: { toleranceSeconds?: number; nowSeconds?: number } = {},
): boolean {
  const parts = header.split(",").map((part) => part.trim().split("="));
  const timestamp = Number(parts.find(([key]) => key === "t")?.[1]);
  if (!Number.isInteger(timestamp)) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(digest(secret, timestamp, body));
  return parts.some(([key, value]) => {
    const given = Buffer.from(value ?? "");
    return key === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

function digest(secret: string, unixSeconds: number, body: string): string {
  return createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
}
