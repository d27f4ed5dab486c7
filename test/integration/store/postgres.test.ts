import { randomUUID } from "node:crypto";
import { openPostgres } from "../../../services/platform/store/postgres.ts";
import { documentStoreContract } from "../../contract/document-store.ts";
import { reviewServiceContract } from "../../contract/review-service.ts";
import { requireEnv } from "../../support/env.ts";

// Its own schema, so the contract's rows (and outbox rows for its test topic) never reach
// the shared database that the cluster-mode tests and their outbox relay use.
async function openOwnSchema() {
  const url = requireEnv("DOCMESH_DATABASE_URL", "postgres");
  const schema = `store_contract_${randomUUID().replaceAll("-", "")}`;
  const admin = openPostgres(url);
  await admin.exec(`CREATE SCHEMA ${schema}`);
  await admin.close();
  const separator = url.includes("?") ? "&" : "?";
  const db = openPostgres(`${url}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`);
  return {
    ...db,
    async close() {
      await db.exec(`DROP SCHEMA ${schema} CASCADE`);
      await db.close();
    },
  };
}

documentStoreContract("PostgreSQL", openOwnSchema);
reviewServiceContract("PostgreSQL", openOwnSchema);
