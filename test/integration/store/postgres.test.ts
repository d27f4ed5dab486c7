import { openPostgres } from "../../../services/platform/store/postgres.ts";
import { documentStoreContract } from "../../contract/document-store.ts";
import { requireEnv } from "../../support/env.ts";

documentStoreContract("PostgreSQL", async () => openPostgres(requireEnv("DOCMESH_DATABASE_URL", "postgres")));
