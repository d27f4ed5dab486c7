// Integration tests read the real services from the environment (scripts/test.sh sources services.env);
// a missing variable fails the test run, it never skips.
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: start the services (bash scripts/services/services.sh up kafka apicurio) and source ` +
        "$DOCMESH_CACHE/run/services.env (default ~/.cache/docmesh), or run npm test",
    );
  }
  return value;
}

export const kafkaBrokers = (): string[] => requireEnv("DOCMESH_KAFKA_BROKERS").split(",");
