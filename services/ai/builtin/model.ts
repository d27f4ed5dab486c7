import fs from "node:fs";
import type { ClassifierModel } from "./statistical-classifier.ts";

/**
 * The shipped classifier model and calibration (classifier-model.json next to this file), written
 * by `npx tsx scripts/train-classifier.ts`. Read once; absent means rules only and raw confidences.
 */
const MODEL_FILE = new URL("./classifier-model.json", import.meta.url);

let loaded: ClassifierModel | undefined | null = null;

export function shippedModel(): ClassifierModel | undefined {
  if (loaded === null) {
    loaded = fs.existsSync(MODEL_FILE)
      ? (JSON.parse(fs.readFileSync(MODEL_FILE, "utf8")) as ClassifierModel)
      : undefined;
  }
  return loaded;
}
