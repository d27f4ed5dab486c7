// Review queue benchmark: the store's queries over a large queue.
//
//   npx tsx bench/review-queue.ts [pglite|postgres] [documents=20000] [rounds=200]
//       Seeds `documents` rows in one tenant (half of them NEEDS_REVIEW or PARTIAL, the rest INDEXED,
//       plus as many in another tenant), then times: the first page of ListReviewTasks (50, oldest
//       first), a page 20 pages in (by page token), a filtered page (reason MISSING, one category),
//       GetReviewStats, and claim + complete of `rounds` tasks one after another. Prints p50/p95 ms.
//       postgres reads DOCMESH_DATABASE_URL (source services.env) and works in a schema of its own.

import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DocumentStore } from "../services/platform/store/document-store.ts";
import { migrate } from "../services/platform/store/migrate.ts";
import { openPglite } from "../services/platform/store/pglite.ts";
import { openPostgres } from "../services/platform/store/postgres.ts";
import {
  type ReviewCursor,
  type ReviewFilter,
  ReviewStore,
} from "../services/platform/store/review-store.ts";
import type { SqlDatabase } from "../services/platform/store/sql.ts";

const [engine = "pglite", documentsArg = "20000", roundsArg = "200"] = process.argv.slice(2);
const documents = Number(documentsArg);
const rounds = Number(roundsArg);

async function open(): Promise<{ db: SqlDatabase; drop: () => Promise<void> }> {
  if (engine === "pglite") {
    const db = await openPglite(mkdtempSync(join(tmpdir(), "docmesh-review-bench-")));
    return { db, drop: () => db.close() };
  }
  const url = process.env.DOCMESH_DATABASE_URL;
  if (!url) throw new Error("postgres needs DOCMESH_DATABASE_URL (source ~/.cache/docmesh/run/services.env)");
  const schema = `review_bench_${randomUUID().replaceAll("-", "")}`;
  const admin = openPostgres(url);
  await admin.exec(`CREATE SCHEMA ${schema}`);
  await admin.close();
  const separator = url.includes("?") ? "&" : "?";
  const db = openPostgres(`${url}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`);
  return {
    db,
    drop: async () => {
      await db.exec(`DROP SCHEMA ${schema} CASCADE`);
      await db.close();
    },
  };
}

/** Rows straight in SQL: statuses 5 (INDEXED), 6 (NEEDS_REVIEW), 7 (PARTIAL), spread over a day. */
async function seed(db: SqlDatabase, tenant: string): Promise<void> {
  await db.query(
    `INSERT INTO documents (id, tenant, file_name, media_type, size_bytes, sha256, correlation_id, object_key,
                            status, category, category_confidence, fields, review_reasons, update_time)
     SELECT gen_random_uuid(), $1, 'doc-' || i || '.pdf', 'application/pdf', 1000, md5($1 || i) || md5(i::text),
            'c', 'originals/x', (ARRAY[5, 6, 5, 7])[1 + i % 4], 1 + i % 5, 0.5,
            '{"invoice":{"totalAmount":{"value":10,"confidence":0.4}}}'::jsonb,
            CASE i % 4 WHEN 1 THEN '[{"field":"total_amount","code":"REVIEW_REASON_CODE_LOW_CONFIDENCE","confidence":0.4}]'::jsonb
                       WHEN 3 THEN '[{"field":"invoice_number","code":"REVIEW_REASON_CODE_MISSING"}]'::jsonb
                       ELSE '[]'::jsonb END,
            now() - (i % 86400) * interval '1 second'
       FROM generate_series(1, $2::int) AS i`,
    [tenant, documents],
  );
}

async function time(label: string, times: number, work: (i: number) => Promise<unknown>): Promise<void> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await work(i);
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => (ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? 0).toFixed(1);
  console.log(
    `${label.padEnd(44)} p50 ${at(0.5).padStart(7)} ms   p95 ${at(0.95).padStart(7)} ms   (n=${times})`,
  );
}

const { db, drop } = await open();
try {
  await migrate(db);
  const tenant = `bench-${randomUUID().slice(0, 8)}`;
  const seeding = performance.now();
  await seed(db, tenant);
  await seed(db, `${tenant}-other`);
  await db.query("ANALYZE documents");
  console.log(
    `${engine}: ${documents} documents per tenant (${documents / 2} in review), 2 tenants, seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s`,
  );
  const store = new DocumentStore(db, "bench.document-events");
  const reviews = new ReviewStore(db, store);
  const all: ReviewFilter = { reasonCodes: [], categories: [], includeClaimed: false, newestFirst: false };
  await time("ListReviewTasks, first page of 50", 30, () => reviews.listTasks(tenant, "rita", all, 50));
  let cursor: ReviewCursor | undefined;
  for (let page = 0; page < 20; page++)
    cursor = (await reviews.listTasks(tenant, "rita", all, 50, cursor)).next;
  await time("ListReviewTasks, page 21 (page token)", 30, () =>
    reviews.listTasks(tenant, "rita", all, 50, cursor),
  );
  const filtered = { ...all, reasonCodes: ["REVIEW_REASON_CODE_MISSING"], categories: [4] };
  await time("ListReviewTasks, reason MISSING + category", 30, () =>
    reviews.listTasks(tenant, "rita", filtered, 50),
  );
  await time("GetReviewStats", 30, () => reviews.stats(tenant, 30));
  const { tasks } = await reviews.listTasks(tenant, "rita", all, rounds);
  await time("ClaimReviewTask + CompleteReviewTask", tasks.length, async (i) => {
    const id = tasks[i]?.document.name.split("/")[1] as string;
    const claimed = await reviews.claim(tenant, id, "rita", 300);
    await reviews.complete({
      tenant,
      id,
      reviewer: "rita",
      etag: claimed.document.etag,
      paths: [],
      keepInReview: false,
      comment: "",
    });
  });
} finally {
  await drop();
}
