import { adminContract } from "../../contract/admin.ts";

// PostgreSQL, Kafka and the schema registry (npm run services -- up).
adminContract("cluster");
