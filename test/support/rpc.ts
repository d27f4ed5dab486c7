// Small helpers for tests that call RPCs: the outcome of a call as a code, and a bearer token.
import { type Code, ConnectError, type Interceptor } from "@connectrpc/connect";

/** "ok", or the Connect code the call failed with. */
export async function codeOf(call: Promise<unknown>): Promise<Code | "ok"> {
  try {
    await call;
    return "ok";
  } catch (error) {
    return ConnectError.from(error).code;
  }
}

/** A client interceptor that sends `Authorization: Bearer <token>`. */
export const bearer =
  (token: string): Interceptor =>
  (next) =>
  (request) => {
    request.header.set("authorization", `Bearer ${token}`);
    return next(request);
  };
