// Who is calling: set once per request by the auth interceptor, read by handlers.
// Services take the tenant only from here, never from a request field or a raw header.
import { createContextKey, type HandlerContext } from "@connectrpc/connect";
import { DocmeshError } from "./errors.ts";

export interface Identity {
  tenant: string;
  subject: string;
  /** Access roles from the token's `roles` claim (gateway/policy.ts ACCESS_ROLES, DEFAULT_ROLES). */
  roles: readonly string[];
}

export const IDENTITY = createContextKey<Identity | undefined>(undefined, { description: "verified caller" });

export function identityOf(context: HandlerContext): Identity {
  const identity = context.values.get(IDENTITY);
  if (!identity) throw new DocmeshError("unauthenticated", "no verified identity on this request");
  return identity;
}
