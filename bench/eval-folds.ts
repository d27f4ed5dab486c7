/**
 * Grouped folds for cross-validation over the corpus: related files never straddle training and
 * test. Two files are in the same group when (union-find, transitively):
 *  - they share a name stem: the base name without extension and trailing digits, and for files
 *    named `<family>_<rest>` the family (a PDF and its raster copy, `coolblue1`/`coolblue2`, the
 *    `EN16931_*` or `Facture_*` samples of one publisher's template set);
 *  - they have the same normalised seller/merchant (`issuer`) within one source repository;
 *  - they have the same normalised title or the same set of contract parties (pages of one report).
 * Groups are then dealt to K folds, largest first, each to the fold with the fewest documents
 * of the group's main category (then the fewest documents), so categories stay balanced.
 */
import path from "node:path";
import { normName, type TruthRecord } from "../services/ai/eval.ts";

const LEGAL_SUFFIX =
  /\b(?:gmbh|ag|kg|sdn|bhd|s b|co|ltd|inc|llc|corp|corporation|company|b v|bv|sa|sas|sarl|plc|limited|m)\b/g;

function stemKey(file: string): string {
  const base = path.basename(file).replace(/\.[^.]+$/, "");
  const name = base.includes("__") ? base.slice(base.indexOf("__") + 2) : base;
  const family = name.includes("_") ? (name.split("_")[0] as string) : name;
  return family.toLowerCase().replace(/[\d\s._-]+$/, "");
}

/** The source repository (`owner/repo@path`), else the corpus file-name prefix `<source>__`. */
function sourceRepo(t: TruthRecord): string {
  const src = (t as { source?: string }).source;
  if (src) return src.split("@")[0] ?? src;
  const base = path.basename(t.file);
  return base.includes("__") ? base.slice(0, base.indexOf("__")) : "";
}

function truthKeys(t: TruthRecord): string[] {
  const out: string[] = [];
  const stem = stemKey(t.file);
  if (stem.length >= 3) out.push(`stem:${stem}`);
  const f = t.fields ?? {};
  const issuer = typeof f.issuer === "string" ? normName(f.issuer).replace(LEGAL_SUFFIX, "").trim() : "";
  if (issuer.length >= 3) out.push(`issuer:${sourceRepo(t)}:${issuer}`);
  const title = typeof f.title === "string" ? normName(f.title) : "";
  if (title.length >= 8) out.push(`title:${title.slice(0, 40)}`);
  if (Array.isArray(f.parties) && f.parties.length > 0)
    out.push(
      `parties:${f.parties
        .map((p) => normName(String(p)))
        .sort()
        .join("|")}`,
    );
  return out;
}

/** Group id per truth file. */
export function groupCorpus(truth: TruthRecord[]): Map<string, string> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r) as string;
    parent.set(x, r);
    return r;
  };
  const union = (a: string, b: string) => {
    for (const x of [a, b]) if (!parent.has(x)) parent.set(x, x);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };
  for (const t of truth) {
    union(`file:${t.file}`, `file:${t.file}`);
    for (const k of truthKeys(t)) union(`file:${t.file}`, k);
  }
  return new Map(truth.map((t) => [t.file, find(`file:${t.file}`)]));
}

/** Files per fold. Deterministic for a given corpus. */
export function assignFolds(truth: TruthRecord[], groups: Map<string, string>, k: number): string[][] {
  const byGroup = new Map<string, TruthRecord[]>();
  for (const t of truth) {
    const g = groups.get(t.file) as string;
    byGroup.set(g, [...(byGroup.get(g) ?? []), t]);
  }
  const ordered = [...byGroup.entries()].sort(
    (a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]),
  );
  const folds: TruthRecord[][] = Array.from({ length: k }, () => []);
  for (const [, members] of ordered) {
    const cat = (members[0] as TruthRecord).category;
    let best = 0;
    for (let i = 1; i < k; i++) {
      const ci = (folds[i] as TruthRecord[]).filter((t) => t.category === cat).length;
      const cb = (folds[best] as TruthRecord[]).filter((t) => t.category === cat).length;
      if (
        ci < cb ||
        (ci === cb && (folds[i] as TruthRecord[]).length < (folds[best] as TruthRecord[]).length)
      )
        best = i;
    }
    (folds[best] as TruthRecord[]).push(...members);
  }
  return folds.map((f) => f.map((t) => t.file));
}
