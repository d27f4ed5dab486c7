import { reviewSuite } from "../../e2e/review-suite.ts";

reviewSuite("embedded");
