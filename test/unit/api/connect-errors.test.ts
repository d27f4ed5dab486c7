// What a caller learns from a failure: domain errors keep their message; database, index and
// storage messages stay in the log, and the caller gets the code, a generic text and a reference.
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { toConnectError } from "../../../services/platform/connect-errors.ts";
import { DocmeshError, invalid, notFound, unavailable } from "../../../services/platform/errors.ts";

const RAW = 'invalid input syntax for type uuid: "------------------------------------"';

describe("toConnectError", () => {
  it("keeps the message of errors written for the caller", () => {
    expect(toConnectError(invalid("page_token is bad"))).toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: "page_token is bad",
    });
    expect(toConnectError(notFound("documents/x not found")).code).toBe(Code.NotFound);
  });

  it.each([
    [
      "a raw driver error",
      Object.assign(new Error(RAW), { code: "22P02", severity: "ERROR" }),
      Code.Internal,
    ],
    [
      "an internal domain error carrying an engine message",
      new DocmeshError("internal", `search index: search failed: ${RAW}`, false),
      Code.Internal,
    ],
    ["an unavailable dependency", unavailable(`postgres: ${RAW}`), Code.Unavailable],
  ])("hides %s behind a generic message with a reference", (_, error, code) => {
    const mapped = toConnectError(error);
    expect(mapped.code).toBe(code);
    expect(mapped.rawMessage).not.toContain("uuid");
    expect(mapped.rawMessage).toMatch(/\(ref [0-9a-f-]{36}\)$/);
  });

  it("passes a ConnectError through untouched", () => {
    const error = new ConnectError("the server is still starting", Code.Unavailable);
    expect(toConnectError(error)).toBe(error);
  });
});
