import { describe, expect, it } from "vitest";
import { limitOf, startOfUtcDay } from "../../../services/ingestion/quotas.ts";
import { ConfigError, loadConfig } from "../../../services/platform/config.ts";

describe("quota settings", () => {
  it("parse TENANT=LIMIT lists with a * entry; 0 means no limit", () => {
    const config = loadConfig({
      DOCMESH_QUOTA_DOCUMENTS_PER_DAY: "*=100, acme=5000",
      DOCMESH_QUOTA_BYTES_STORED: "*=0",
    });
    expect(config.quotaDocumentsPerDay).toEqual({ "*": 100, acme: 5000 });
    expect(limitOf(config.quotaDocumentsPerDay, "acme")).toBe(5000);
    expect(limitOf(config.quotaDocumentsPerDay, "other")).toBe(100);
    expect(limitOf(config.quotaBytesStored, "acme")).toBe(0);
    expect(loadConfig({}).quotaDocumentsPerDay).toEqual({ "*": 0 });
  });

  it("refuse malformed lists with the variable's name", () => {
    expect(() => loadConfig({ DOCMESH_QUOTA_BYTES_STORED: "acme=10" })).toThrow(
      /DOCMESH_QUOTA_BYTES_STORED must have a "\*" entry/,
    );
    expect(() => loadConfig({ DOCMESH_QUOTA_DOCUMENTS_PER_DAY: "*=-1" })).toThrow(ConfigError);
    expect(() => loadConfig({ DOCMESH_QUOTA_DOCUMENTS_PER_DAY: "*=ten" })).toThrow(/TENANT=LIMIT/);
  });

  it("count documents_per_day from midnight UTC", () => {
    expect(startOfUtcDay(new Date("2026-11-27T23:59:59.999Z")).toISOString()).toBe(
      "2026-11-27T00:00:00.000Z",
    );
    expect(startOfUtcDay(new Date("2026-11-28T00:00:00.000Z")).toISOString()).toBe(
      "2026-11-28T00:00:00.000Z",
    );
  });
});
