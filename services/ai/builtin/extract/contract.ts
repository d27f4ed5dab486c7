import type { FieldValue } from "../../ai.ts";
import { findDates } from "../../normalize/date.ts";
import type { Line } from "../lines.ts";
import type { Ctx, Fields } from "./shared.ts";

/** Contracts: title, parties (alias definitions and "between … and …"), agreement date, governing law. */
// Contract

const CONTRACT_WORDS =
  /\b(agreement|contract|license|licence|lease|addendum|amendment|memorandum of understanding|vertrag|vereinbarung|contrat|contrato|contratto|overeenkomst)\b/i;

function contractTitle(ctx: Ctx): FieldValue | undefined {
  const head = ctx.lines.slice(0, 60).filter((l) => l.raw.length > 0);
  // Prefer an upper-case heading naming the contract type, then any short heading with one.
  for (const strictUpper of [true, false]) {
    for (let i = 0; i < head.length; i++) {
      const l = head[i] as Line;
      const raw = l.raw.replace(/\s+/g, " ").trim();
      if (!CONTRACT_WORDS.test(raw) || raw.split(" ").length > 12 || raw.length < 8) continue;
      const letters = raw.replace(/[^\p{L}]/gu, "");
      const upper = letters.length > 0 && letters === letters.toUpperCase();
      if (strictUpper && !upper) continue;
      if (!strictUpper && /[.;]$/.test(raw)) continue;
      let title = raw.replace(/^(?:exhibit|schedule|annex)\s+[\w.()-]+\s*/i, "").trim();
      // A heading split over two lines: an upper-case qualifier line above "… AGREEMENT".
      const prev = head[i - 1];
      if (
        upper &&
        prev &&
        prev.raw.length < 60 &&
        prev.raw === prev.raw.toUpperCase() &&
        /\p{L}{3}/u.test(prev.raw) &&
        !/exhibit|execution|confidential|\d{4}/i.test(prev.raw) &&
        !CONTRACT_WORDS.test(prev.raw)
      ) {
        title = `${prev.raw.trim()} ${title}`;
      }
      title = title.replace(/[*"“”]/g, "").trim();
      if (title.length >= 8) return { value: title, confidence: strictUpper ? 0.75 : 0.45 };
    }
  }
  return undefined;
}

const ENTITY_END =
  /\s*(?:,(?!\s*(?:Inc|LLC|L\.L\.C|Ltd|Limited|L\.?P|LLP|Corp|N\.A|S\.A|GmbH|AG|plc)\b)|\(|\ba\s+(?:[A-Z][a-z]+\s+){0,3}(?:corporation|company|limited|partnership|trust|bank)|\bwith\s+(?:its|a)\b|\bhaving\b|\borganized\b|\bincorporated\b|\bwhose\b|\blocated\b|\bof\s+\d)/i;

function cleanParty(s: string): string | undefined {
  let p = s
    .replace(/\s+/g, " ")
    .replace(/^[\s,;:]+/, "")
    .trim();
  const cut = ENTITY_END.exec(p);
  if (cut && cut.index !== undefined && cut.index > 2) p = p.slice(0, cut.index);
  p = p
    .replace(/^(?:and\s+|the\s+)?/i, "")
    .replace(/[\s,;:.]+$/, "")
    .replace(/^["“]|["”]$/g, "")
    .trim();
  if (p.length < 3 || p.length > 100) return undefined;
  if (!/^[\p{Lu}\d]/u.test(p)) return undefined;
  if (
    /^(?:the\s+)?(?:parties|party|company|licensee|licensor|client|customer|provider|distributor)$/i.test(p)
  )
    return undefined;
  return p;
}

const ABBREVIATIONS = /\b(Inc|Corp|Co|Ltd|L\.P|LP|N\.A|No|S\.A|P\.C|Mr|Ms|Dr|St|U\.S|Bros)\./g;
const DOC_TERMS =
  /^(?:agreement|this agreement|effective date|shares|brand|registration statement|\d{4} act|act|services|term|territory|products?|content|marks?|trademarks?|licensed .*|confidential information|parties|party|program|system|work|property|premises|exhibit.*|schedule.*|fee|fees|plan|purchase price|closing|notice)$/i;
const LEGAL_FORM =
  /\b(?:inc|corp|corporation|co|company|ltd|limited|llc|l\.l\.c|lp|l\.p|llp|plc|fund|trust|bank|n\.a|gmbh|ag|s\.a|bv|b\.v|group|holdings|partners|association)\b[.\u2024]?$/i;

/** Parties defined with an alias: `Name, a Delaware corporation (the "Company")`. */
function aliasParties(preamble: string): string[] {
  const out: string[] = [];
  const re = /\((?:the\s+|this\s+)?["“']([^"”'()]{2,40})["”']\)/g;
  for (const m of preamble.matchAll(re)) {
    const alias = (m[1] as string).trim();
    if (DOC_TERMS.test(alias)) continue;
    const at = m.index ?? 0;
    const before = preamble.slice(Math.max(0, at - 300), at);
    // Back to the previous clause boundary.
    const seg =
      before.split(/\b(?:between|among|undersigned|that)\b\s*:?|[;)]\s*,?|,\s+and\s+/i).at(-1) ?? "";
    const name = cleanParty(seg);
    if (!name || name.split(" ").length > 12) continue;
    if (
      !LEGAL_FORM.test(name) &&
      !/^[\p{Lu}][\p{L}&.\u2024-]*(?:,?\s+[\p{Lu}][\p{L}&.\u2024-]*)+$/u.test(name)
    )
      continue;
    out.push(name);
  }
  return out;
}

/** Parties named after "between … and …". */
function betweenParties(preamble: string): string[] {
  const m =
    /\b(?:by\s+and\s+)?(?:between|among)\s*:?\s+(.{3,900}?)(?:\.\s+(?=[A-Z0-9])|\bwhereas\b|\bwitnesseth\b|\brecitals?\b|\bnow,?\s+therefore\b)/i.exec(
      preamble,
    );
  if (!m?.[1]) return [];
  const body = m[1].replace(/\([^)]*\)/g, (x) => x.replace(/\band\b/gi, "&"));
  return body
    .split(/\s*;\s*|,?\s+and\s+(?=(?:the\s+)?[\p{Lu}"“])/u)
    .map(cleanParty)
    .filter((p): p is string => p !== undefined);
}

function parties(ctx: Ctx): FieldValue | undefined {
  const protectedText = ctx.text.slice(0, 8000).replace(/\s+/g, " ").replace(ABBREVIATIONS, "$1\u2024");
  const restore = (s: string) => s.replace(/\u2024/g, ".");
  const fromAlias = aliasParties(protectedText).map(restore);
  const fromBetween = betweenParties(protectedText).map(restore);
  const merged: string[] = [];
  const key = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, " ")
      .trim();
  for (const p of [...fromAlias, ...fromBetween]) {
    const k = key(p);
    if (merged.some((q) => key(q).includes(k) || k.includes(key(q)))) continue;
    merged.push(p);
  }
  const list = merged.slice(0, 6);
  if (list.length === 0) return undefined;
  const both = fromAlias.length >= 2 && fromBetween.length >= 2;
  return { value: list, confidence: list.length >= 2 ? (both ? 0.7 : 0.55) : 0.3 };
}

function agreementDate(ctx: Ctx): FieldValue | undefined {
  const flat = ctx.text.slice(0, 15_000).replace(/\s+/g, " ");
  const cues = [
    /\b(?:dated|made|entered\s+into|executed|effective)(?:\s+(?:and\s+entered\s+into|into))?\s+(?:as\s+of|on|this)\b/gi,
    /\b(?:as\s+of|dated|effective\s+date\s*(?:is|:)?)\s/gi,
    /\bthis\s+\d{1,2}(?:st|nd|rd|th)?\s+day\s+of\b/gi,
  ];
  for (const [k, re] of cues.entries()) {
    for (const m of flat.matchAll(re)) {
      const at = m.index ?? 0;
      const window = flat.slice(k === 2 ? at + 5 : at + m[0].length, at + m[0].length + 60);
      const d = findDates(window, ctx.order)[0];
      if (d && d.index < 30) return { value: d.iso, confidence: k === 2 || k === 0 ? 0.7 : 0.55 };
    }
  }
  const first = findDates(flat.slice(0, 3000), ctx.order)[0];
  return first ? { value: first.iso, confidence: 0.3 } : undefined;
}

const LAW_STOP =
  /\s+(?:without|and|as|in|applicable|excluding|except|including|the|shall|that|which|with|for|to|regardless|notwithstanding|each|any)\b.*$/i;

function titleCase(s: string): string {
  return s === s.toUpperCase() ? s.toLowerCase().replace(/\b\p{L}/gu, (c) => c.toUpperCase()) : s;
}

function governingLaw(ctx: Ctx): FieldValue | undefined {
  const flat = ctx.text.replace(/\s+/g, " ");
  const re =
    /\b(?:governed|construed|interpreted|enforced|governing\s+law)\b[^.;]{0,90}?\blaws?\s+of\s+(?:the\s+)?(?:(?:state|commonwealth|province)\s+of\s+)?([A-Za-z]+(?:\s+[A-Za-z]+){0,3})/gi;
  for (const m of flat.matchAll(re)) {
    let v = m[1]?.trim();
    if (!v) continue;
    v = v.replace(LAW_STOP, "").trim();
    if (/^(?:any|such|this|its|their|said|a|an|united)$/i.test(v)) continue;
    return { value: titleCase(v), confidence: 0.75 };
  }
  return undefined;
}

export function extractContract(ctx: Ctx): Fields {
  const f: Fields = {};
  const t = contractTitle(ctx);
  if (t) f.title = t;
  const p = parties(ctx);
  if (p) f.parties = p;
  const d = agreementDate(ctx);
  if (d) f.agreement_date = d;
  const g = governingLaw(ctx);
  if (g) f.governing_law = g;
  return f;
}
