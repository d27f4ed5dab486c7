import { fileURLToPath } from "node:url";
import Postgrator from "postgrator";
import type { SqlDatabase } from "./sql.ts";

const MIGRATIONS = fileURLToPath(new URL("./migrations/*", import.meta.url));

/** Brings the schema to the latest version; safe to run from several processes at once. */
export async function migrate(db: SqlDatabase): Promise<void> {
  // One migrator at a time across processes (cluster mode starts several at once).
  await db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(4242)");
    const { rows } = await tx.query<{ schema: string }>("SELECT current_schema() AS schema");
    const postgrator = new Postgrator({
      currentSchema: rows[0]?.schema ?? "public",
      migrationPattern: MIGRATIONS,
      driver: "pg",
      schemaTable: "schema_version",
      execQuery: (query) => tx.query(query),
      execSqlScript: (script) => tx.exec(script),
    });
    await postgrator.migrate();
  });
}
