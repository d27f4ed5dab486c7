import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyWebhookSignature as verifySdk } from "../../../sdk/typescript/src/webhooks.ts";
import {
  newWebhookSecret,
  signatureHeader,
  verifyWebhookSignature,
} from "../../../services/webhooks/signature.ts";

describe("webhook signature", () => {
  const secret = newWebhookSecret();
  const body = '{"id":"e1","type":"document.indexed"}';

  it("is HMAC-SHA256 over '<t>.<body>' in a t=…,v1=… header", () => {
    const expected = createHmac("sha256", secret).update(`1700000000.${body}`).digest("hex");
    expect(signatureHeader(secret, body, 1_700_000_000)).toBe(`t=1700000000,v1=${expected}`);
  });

  it("verifies its own header and refuses a changed body, another secret, or an old timestamp", () => {
    const header = signatureHeader(secret, body, 1_700_000_000);
    const at = { nowSeconds: 1_700_000_010 };
    expect(verifyWebhookSignature(secret, body, header, at)).toBe(true);
    expect(verifyWebhookSignature(secret, `${body} `, header, at)).toBe(false);
    expect(verifyWebhookSignature(newWebhookSecret(), body, header, at)).toBe(false);
    expect(verifyWebhookSignature(secret, body, header, { nowSeconds: 1_700_000_000 + 301 })).toBe(false);
    expect(
      verifyWebhookSignature(secret, body, header, {
        nowSeconds: 1_700_000_000 + 301,
        toleranceSeconds: 600,
      }),
    ).toBe(true);
  });

  it("refuses malformed headers and a forged timestamp", () => {
    const header = signatureHeader(secret, body, 1_700_000_000);
    const at = { nowSeconds: 1_700_000_000 };
    expect(verifyWebhookSignature(secret, body, "", at)).toBe(false);
    expect(verifyWebhookSignature(secret, body, "v1=abc", at)).toBe(false);
    expect(verifyWebhookSignature(secret, body, header.replace("t=1700000000", "t=1700000001"), at)).toBe(
      false,
    );
    // A second v1 (e.g. signed with a rotated-out secret) does not hide the valid one.
    expect(verifyWebhookSignature(secret, body, `${header},v1=${"0".repeat(64)}`, at)).toBe(true);
  });

  it("makes distinct prefixed secrets", () => {
    expect(secret).toMatch(/^whsec_[\w-]{43}$/);
    expect(newWebhookSecret()).not.toBe(secret);
  });
});

describe("the TypeScript SDK's verifyWebhookSignature", () => {
  it("accepts what the server signs and nothing else", () => {
    const secret = newWebhookSecret();
    const body = '{"id":"e2"}';
    const now = Math.floor(Date.now() / 1000);
    const header = signatureHeader(secret, body, now);
    expect(verifySdk(secret, body, header)).toBe(true);
    expect(verifySdk(secret, new TextEncoder().encode(body), header)).toBe(true);
    expect(verifySdk(secret, '{"id":"e3"}', header)).toBe(false);
    expect(verifySdk(secret, body, signatureHeader(secret, body, now - 3600))).toBe(false);
  });
});
