import { describe, expect, it } from "vitest";
import { DocmeshError } from "../../../services/platform/errors.ts";
import { PageTokens } from "../../../services/platform/page-token.ts";

const scope = { tenant: "t", rpc: "ListDocuments" };

function refusal(tokens: PageTokens, token: string): DocmeshError | undefined {
  try {
    tokens.decode(scope, token);
    return undefined;
  } catch (error) {
    return error as DocmeshError;
  }
}

describe("page tokens", () => {
  const tokens = new PageTokens("secret");

  it("round-trips a cursor for the same scope", () => {
    expect(tokens.decode(scope, tokens.encode(scope, { n: 3 }))).toEqual({ n: 3 });
  });

  it.each([
    ["a signature of the right length in characters but not in bytes", (t: string) => t.replace(/.$/, "é")],
    ["a third part", (t: string) => `${t}.x`],
    ["no signature", (t: string) => t.split(".")[0] ?? ""],
    ["an empty token body", (t: string) => `.${t.split(".")[1]}`],
    ["a changed body", (t: string) => `e${t}`],
  ])("refuses %s as invalid, never an exception of its own", (_, tamper) => {
    const error = refusal(tokens, tamper(tokens.encode(scope, { n: 3 })));
    expect(error).toBeInstanceOf(DocmeshError);
    expect(error?.kind).toBe("invalid");
  });

  it("refuses a token made for another scope", () => {
    const error = refusal(tokens, tokens.encode({ ...scope, tenant: "other" }, 1));
    expect(error?.kind).toBe("invalid");
    expect(error?.message).toContain("different query");
  });
});
