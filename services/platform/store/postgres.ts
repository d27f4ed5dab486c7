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
    listen: (channel, onNotify) => listenOn(url, channel, onNotify),
  };
}

/** One dedicated connection that LISTENs; it reconnects every second while the server is away. */
async function listenOn(url: string, channel: string, onNotify: () => void): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const reconnectSoon = () => {
    if (closed || retry) return;
    const dead = client;
    client = undefined;
    void dead?.end().catch(() => undefined);
    retry = setTimeout(() => {
      retry = undefined;
      void connect().catch(reconnectSoon);
    }, 1000);
    retry.unref();
  };
  const connect = async () => {
    const candidate = new pg.Client({ connectionString: url });
    candidate.on("notification", (message) => {
      if (message.channel === channel) onNotify();
    });
    candidate.on("error", reconnectSoon);
    candidate.on("end", () => {
      if (client === candidate) reconnectSoon();
    });
    client = candidate;
    await candidate.connect();
    await candidate.query(`LISTEN ${candidate.escapeIdentifier(channel)}`);
    onNotify();
  };
  await connect().catch(reconnectSoon);
  return async () => {
    closed = true;
    clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}
