// The shared evaluation corpus (../shared/corpus): documents, ground truth and queries.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadTruth, type TruthRecord } from "../../services/ai/eval.ts";

export interface Query {
  id: string;
  query: string;
  type: string;
  relevant: string[];
  partially_relevant?: string[];
}

export function corpusRoot(): string {
  const candidates = [
    process.env.DOCMESH_CORPUS,
    resolve(process.cwd(), "../shared/corpus"),
    "/work/shared/corpus",
  ].filter((c): c is string => Boolean(c));
  const found = candidates.find((c) => existsSync(join(c, "truth.jsonl")));
  if (!found) throw new Error(`corpus not found in ${candidates.join(", ")} (set DOCMESH_CORPUS)`);
  return found;
}

export function corpus(): { root: string; truth: TruthRecord[]; queries: Query[] } {
  const root = corpusRoot();
  const queries = readFileSync(join(root, "queries.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Query);
  return { root, truth: loadTruth(root), queries };
}

export const readDoc = (root: string, file: string) => new Uint8Array(readFileSync(join(root, file)));
