import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { requireEnv } from "./env.ts";

const connectionString = requireEnv("postgres", "DOCMESH_DATABASE_URL");

describe("postgres (real server)", () => {
  const client = new pg.Client({ connectionString });

  afterAll(async () => {
    await client.end().catch(() => {});
  });

  it("does a SQL round trip", async () => {
    await client.connect();
    const version = await client.query<{ server_version: string }>("show server_version");
    expect(version.rows[0]?.server_version).toMatch(/^15\./);

    await client.query("create temporary table smoke (id serial primary key, body jsonb not null)");
    const inserted = await client.query<{ id: number }>("insert into smoke (body) values ($1) returning id", [
      { doc: "invoice", pages: 3 },
    ]);
    const id = inserted.rows[0]?.id;
    const read = await client.query<{ pages: number }>(
      "select (body->>'pages')::int as pages from smoke where id = $1",
      [id],
    );
    expect(read.rows).toEqual([{ pages: 3 }]);

    const db = await client.query<{ db: string; usr: string }>(
      "select current_database() as db, current_user as usr",
    );
    expect(db.rows[0]).toEqual({ db: "docmesh", usr: "docmesh" });
  });
});
