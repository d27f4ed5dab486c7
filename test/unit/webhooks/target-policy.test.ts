import { describe, expect, it } from "vitest";
import { DocmeshError } from "../../../services/platform/errors.ts";
import { checkEndpointUrl, refusedAddress } from "../../../services/webhooks/target-policy.ts";

const strict = { allowInsecureLoopback: false };
const dev = { allowInsecureLoopback: true };

async function refusal(url: string, policy = strict): Promise<string | undefined> {
  try {
    await checkEndpointUrl(url, policy);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(DocmeshError);
    expect((error as DocmeshError).kind).toBe("invalid");
    return (error as Error).message;
  }
}

describe("webhook target policy", () => {
  it.each([
    "10.0.0.1",
    "172.16.5.4",
    "192.168.0.1",
    "127.0.0.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "::1",
    "fd12::1",
    "fe80::1",
    "::ffff:10.0.0.1",
    "::ffff:127.0.0.1",
  ])("refuses %s", (address) => {
    expect(refusedAddress(address, strict)).toMatch(/private|loopback|reserved/);
  });

  it.each(["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111"])("accepts public %s", (address) => {
    expect(refusedAddress(address, strict)).toBeUndefined();
  });

  it("admits loopback only with the development flag, and never private networks", () => {
    expect(refusedAddress("127.0.0.1", dev)).toBeUndefined();
    expect(refusedAddress("::1", dev)).toBeUndefined();
    expect(refusedAddress("10.0.0.1", dev)).toBeDefined();
  });

  it("needs https to a public host", async () => {
    expect(await refusal("https://1.1.1.1/hook")).toBeUndefined();
    expect(await refusal("http://1.1.1.1/hook")).toMatch(/https/);
    expect(await refusal("http://1.1.1.1/hook", dev)).toMatch(/https/);
    expect(await refusal("ftp://1.1.1.1/hook")).toMatch(/https/);
    expect(await refusal("https://127.0.0.1/hook")).toMatch(/refused/);
    expect(await refusal("https://[::1]:8443/hook")).toMatch(/refused/);
    expect(await refusal("https://192.168.1.1/hook", dev)).toMatch(/refused/);
    expect(await refusal("https://user:pw@1.1.1.1/hook")).toMatch(/user name/);
    expect(await refusal("not a url")).toMatch(/absolute URL/);
  });

  it("accepts http to loopback with the development flag", async () => {
    expect(await refusal("http://127.0.0.1:9999/hook", dev)).toBeUndefined();
    expect(await refusal("http://[::1]:9999/hook", dev)).toBeUndefined();
    expect(await refusal("http://127.0.0.1:9999/hook")).toMatch(/https/);
  });
});
