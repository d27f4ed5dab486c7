import { adminContract } from "../../contract/admin.ts";

// PGlite and the embedded bus, in this process.
adminContract("embedded");
