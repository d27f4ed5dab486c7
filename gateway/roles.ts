// Role checks in the services: the same table Envoy's RBAC filter is rendered from
// (gateway/policy.ts REQUIRED_ROLES). Runs after the auth interceptor, so the roles come from a
// verified token (or DOCMESH_AUTH=none, which acts as admin).

import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { isOpenService } from "../services/platform/auth.ts";
import { IDENTITY } from "../services/platform/identity.ts";
import { grants, requiredRole } from "./policy.ts";

export function roleInterceptor(): Interceptor {
  return (next) => async (request) => {
    const service = request.service.typeName;
    if (isOpenService(service)) return next(request);
    const identity = request.contextValues.get(IDENTITY);
    if (!identity) throw new ConnectError("no verified identity before the role check", Code.Internal);
    const rpc = `${service}/${request.method.name}`;
    const needed = requiredRole(service, request.method.name);
    if (!needed) {
      throw new ConnectError(`${rpc} has no entry in the role table; refused`, Code.PermissionDenied);
    }
    if (!grants(identity.roles, needed)) {
      throw new ConnectError(
        `${rpc} needs the ${needed} role; the token has ${JSON.stringify(identity.roles)}`,
        Code.PermissionDenied,
      );
    }
    return next(request);
  };
}
