import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPglite } from "../../../services/platform/store/pglite.ts";
import { documentStoreContract } from "../../contract/document-store.ts";

documentStoreContract("PGlite", () => openPglite(mkdtempSync(join(tmpdir(), "docmesh-store-"))));
