// Per-tenant quotas (DOCMESH_QUOTA_DOCUMENTS_PER_DAY, DOCMESH_QUOTA_BYTES_STORED): checked before an
// upload stores anything, answered with RESOURCE_EXHAUSTED that names the quota. A duplicate upload
// adds nothing, so it is never refused. The check reads the tenant's usage and then accepts, without a
// lock: uploads of one tenant that race may pass a quota by at most the ones in flight at once.
import { exhausted } from "../platform/errors.ts";
import type { SqlExecutor } from "../platform/store/sql.ts";

export interface QuotaLimits {
  documentsPerDay: Record<string, number>;
  bytesStored: Record<string, number>;
}

export const QUOTA_NAMES = { documentsPerDay: "documents_per_day", bytesStored: "bytes_stored" } as const;

/** The limit of a tenant: its own entry, else `*`; 0 = none. */
export function limitOf(table: Record<string, number>, tenant: string): number {
  return table[tenant] ?? table["*"] ?? 0;
}

/** Midnight UTC of the day `now` falls in: documents_per_day counts from there. */
export function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export class TenantQuotas {
  constructor(
    private readonly db: SqlExecutor,
    private readonly limits: QuotaLimits,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Throws RESOURCE_EXHAUSTED when one more document of `sizeBytes` would pass a quota of the tenant. */
  async checkNewDocument(tenant: string, sizeBytes: number): Promise<void> {
    const perDay = limitOf(this.limits.documentsPerDay, tenant);
    const stored = limitOf(this.limits.bytesStored, tenant);
    if (perDay === 0 && stored === 0) return;
    const since = startOfUtcDay(this.now());
    const { rows } = await this.db.query<{ today: number; bytes: number }>(
      `SELECT count(*) FILTER (WHERE create_time >= $2)::int AS today, coalesce(sum(size_bytes), 0)::int8 AS bytes
         FROM documents WHERE tenant = $1`,
      [tenant, since],
    );
    const today = rows[0]?.today ?? 0;
    const bytes = Number(rows[0]?.bytes ?? 0);
    if (perDay > 0 && today + 1 > perDay) {
      throw exhausted(
        `quota ${QUOTA_NAMES.documentsPerDay} exceeded: tenant ${tenant} added ${today} of ${perDay} documents ` +
          `today (UTC); the count starts again at 00:00 UTC (DOCMESH_QUOTA_DOCUMENTS_PER_DAY)`,
      );
    }
    if (stored > 0 && bytes + sizeBytes > stored) {
      throw exhausted(
        `quota ${QUOTA_NAMES.bytesStored} exceeded: tenant ${tenant} stores ${bytes} of ${stored} bytes and ` +
          `this document has ${sizeBytes}; delete documents to make room (DOCMESH_QUOTA_BYTES_STORED)`,
      );
    }
  }
}
