import { KafkaBus } from "../../../services/platform/bus/kafka.ts";
import type { BusHarness } from "../../contract/bus.ts";

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

/** The contract harness on the real Kafka: every open() is a new client (a process restart). */
export async function kafkaHarness(brokers: string[]): Promise<BusHarness> {
  const observer = new KafkaBus({ brokers, clientId: "docmesh-contract-observer" }).kafka.admin();
  await observer.connect();
  return {
    open: async () => new KafkaBus({ brokers, clientId: "docmesh-contract", replicationFactor: 1 }),
    groupExists: async (groupId) => {
      const { groups } = await observer.listGroups();
      return groups.some((g) => g.groupId === groupId);
    },
    dispose: () => observer.disconnect(),
  };
}
