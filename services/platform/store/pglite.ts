import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import type { SqlDatabase, SqlExecutor } from "./sql.ts";

/** PostgreSQL compiled to WebAssembly, in-process, with its data directory on local disk. */
export async function openPglite(dataDir: string): Promise<SqlDatabase> {
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir, parsers: { 20: (value: string) => Number(value) } });
  const wrap = (target: Pick<PGlite, "query" | "exec">): SqlExecutor => ({
    async query<Row>(sql: string, params: unknown[] = []) {
      const result = await target.query<Row>(sql, params);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(script: string) {
      await target.exec(script);
    },
  });
  const base = wrap(db);
  return {
    query: base.query,
    transaction: (work) => db.transaction((tx) => work(wrap(tx))),
    exec: base.exec,
    close: () => db.close(),
  };
}
