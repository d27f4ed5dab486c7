// The SQL port. PostgreSQL (cluster) and PGlite (embedded) speak the same SQL,
// so one store implementation runs on either driver.

export interface SqlExecutor {
  query<Row = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<{ rows: Row[]; rowCount: number }>;
  /** Runs a multi-statement script without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface SqlDatabase extends SqlExecutor {
  /** Runs `work` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * Calls `onNotify` for each NOTIFY on `channel` from any connection (other processes included),
   * once more after every (re)connection, since notifications sent meanwhile are lost. Resolves to
   * a function that stops listening. Absent where one process owns the database (PGlite).
   */
  listen?(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
}
