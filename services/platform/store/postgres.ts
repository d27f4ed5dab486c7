import pg from "pg";
import { DocmeshError, unavailable } from "../errors.ts";
import type { SqlDatabase, SqlExecutor } from "./sql.ts";

// int8 and numeric come back as numbers: our counts and sequences stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

const TRANSIENT_SQLSTATES = new Set(["40001", "40P01", "53300", "57P01", "57P03"]);

/** Connection-level failures are worth retrying; constraint and syntax errors are not. */
function classify(error: unknown): unknown {
  if (error instanceof DocmeshError) return error;
  const { code, severity } = error as { code?: string; severity?: string };
  const networkError = severity === undefined; // server errors always carry a severity
  if (networkError || code?.startsWith("08") || (code !== undefined && TRANSIENT_SQLSTATES.has(code))) {
    return unavailable(`postgres: ${(error as Error).message}`, error);
  }
  return error;
}

function executor(client: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    async query<Row>(sql: string, params: unknown[] = []) {
      try {
        const result = await client.query(sql, params);
        return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
      } catch (error) {
        throw classify(error);
      }
    },
    async exec(script: string) {
      try {
        await client.query(script);
      } catch (error) {
        throw classify(error);
      }
    },
  };
}

export function openPostgres(url: string, options: { maxConnections?: number } = {}): SqlDatabase {
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10 });
  pool.on("error", () => {
    // An idle client died; the pool replaces it on the next checkout.
  });
  const base = executor(pool);
  return {
    query: base.query,
    async transaction(work) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw classify(error);
      }
      try {
        await client.query("BEGIN");
        const result = await work(executor(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw classify(error);
      } finally {
        client.release();
      }
    },
    exec: base.exec,
    close: () => pool.end(),
  };
}
