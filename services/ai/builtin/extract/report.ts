import type { FieldValue } from "../../ai.ts";
import { cells, type Line } from "../lines.ts";
import { type Ctx, type Fields, firstDate } from "./shared.ts";

/** Reports: title, organisation, date (search aids). */
// Report

const TITLE_JUNK =
  /^(?:arxiv|doi|page|seite|http|www|\d{1,3}(?:\s|$)|copyright|©|vol\.|volume|proceedings|journal|table of contents|contents|draft|confidential|front cover|fig(?:ure)?\.?\s*\d|table\s*\d|[☐☒■□•])/i;
const REPORT_WORDS =
  /\b(?:report|review|study|analysis|white\s*paper|outlook|survey|bericht|rapport|informe|relazione)\b/i;
const ORG =
  /\b((?:[A-Z][\w&.-]*\s+){0,3}[A-Z][\w&.-]*,?\s+(?:Inc\.?|Corporation|Corp\.?|Ltd\.?|Limited|GmbH|AG|PLC|plc|LLC|University|Institute|Laboratory|Agency|Association|Foundation|Bank))(?![\p{L}])/u;
/** The organisation: the first name with a legal form or institution word (University, Institute…). */
function organization(text: string): FieldValue | undefined {
  const head = text.slice(0, 8000);
  const o = ORG.exec(head);
  if (o?.[1]) return { value: o[1].replace(/^(?:copyright|©|\(c\))\s+/i, "").trim(), confidence: 0.35 };
  return undefined;
}

function titleLike(raw: string): boolean {
  const ws = raw.split(" ");
  const letters = raw.match(/\p{L}/gu)?.length ?? 0;
  return ws.length >= 2 && ws.length <= 25 && letters / raw.length >= 0.6 && !TITLE_JUNK.test(raw);
}

function reportTitle(ctx: Ctx): FieldValue | undefined {
  const head = ctx.lines.slice(0, 25).filter((l) => l.raw.length > 0);
  // A heading cell naming the kind of document ("<year> <subject> Report") in the first lines.
  for (const l of head.slice(0, 8)) {
    for (const c of cells(l.raw)) {
      const cell = c.replace(/\s+\d{1,4}$/, "").trim(); // running page number
      if (REPORT_WORDS.test(cell) && titleLike(cell) && cell.split(" ").length <= 12) {
        return { value: cell, confidence: 0.45 };
      }
    }
  }
  for (let i = 0; i < head.length; i++) {
    const raw = (head[i] as Line).raw.replace(/\s+/g, " ");
    if (!titleLike(raw)) continue;
    let title = raw;
    const next = head[i + 1]?.raw.replace(/\s+/g, " ");
    // A title continued on the next line (a short capitalised line, no address or list).
    if (
      next &&
      next.split(" ").length <= 12 &&
      /^\p{Lu}/u.test(next) &&
      !/[.:]$/.test(raw) &&
      !/@|\d{3}|,.*,/.test(next) &&
      raw.split(" ").length <= 10
    ) {
      title = `${raw} ${next}`;
    }
    return { value: title.replace(/[.:]$/, ""), confidence: 0.35 };
  }
  return undefined;
}

export function extractReport(ctx: Ctx): Fields {
  const f: Fields = {};
  const t = reportTitle(ctx);
  if (t) f.title = t;
  const o = organization(ctx.text);
  if (o) f.organization = o;
  const d = firstDate(ctx, 60);
  if (d) f.date = { value: d.iso, confidence: 0.3 };
  return f;
}
