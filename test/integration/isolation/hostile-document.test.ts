import { hostileDocumentSuite } from "./hostile-suite.ts";

// Embedded mode: one parser thread on a 2-core machine (cores − 1). Six hostile documents queue for
// it; taken in arrival order they would hold the bystander up for six budgets (18 s), fairly by
// tenant it gets the thread the first of them gives up.
hostileDocumentSuite("embedded", 6);
