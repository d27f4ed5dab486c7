import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPglite } from "../../../services/platform/store/pglite.ts";
import { documentStoreContract } from "../../contract/document-store.ts";
import { reviewServiceContract } from "../../contract/review-service.ts";

documentStoreContract("PGlite", () => openPglite(mkdtempSync(join(tmpdir(), "docmesh-store-"))));
reviewServiceContract("PGlite", () => openPglite(mkdtempSync(join(tmpdir(), "docmesh-review-"))));
