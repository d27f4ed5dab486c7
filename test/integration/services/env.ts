// Connection settings for the backing services, from process.env.
// scripts/test.sh sources $DOCMESH_CACHE/run/services.env (written by `npm run services -- up`) first.
// A missing variable is a failure naming the service, never a skip.
export function requireEnv(service: string, name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${service}: ${name} is not set. Bring the services up with \`npm run services -- up ${service}\` ` +
        "and source $DOCMESH_CACHE/run/services.env (default ~/.cache/docmesh; scripts/test.sh does both).",
    );
  }
  return value;
}

export const uniqueName = (prefix: string): string =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
