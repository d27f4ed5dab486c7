import type { ParsedDocument } from "../../parsing/types.ts";
import type { Classification } from "../ai.ts";
import { classifyByRules } from "./classifier-rules.ts";
import { shippedModel } from "./model.ts";
import { classifyWithModel } from "./statistical-classifier.ts";

/** The built-in classifier: the shipped statistical model, else the rule scores alone. */
export function classify(doc: Pick<ParsedDocument, "text" | "ocr">): Classification {
  const model = shippedModel();
  return model ? classifyWithModel(model, doc) : classifyByRules(doc);
}
