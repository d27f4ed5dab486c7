// Token handling: a fixed bearer token, or a function asked before every call (so a caller can
// refresh short-lived tokens). The token is sent as is; the SDK never inspects or changes it.
import type { Interceptor } from "@connectrpc/connect";

export type TokenSource = string | (() => string | undefined | Promise<string | undefined>);

export function bearerInterceptor(token: TokenSource): Interceptor {
  return (next) => async (request) => {
    const value = typeof token === "function" ? await token() : token;
    if (value) request.header.set("authorization", `Bearer ${value}`);
    return next(request);
  };
}
