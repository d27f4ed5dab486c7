import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { corpusDir } from "../parsing/fixtures.ts";

/**
 * The AI and parsing code must not name what particular corpus documents contain: no issuer,
 * buyer, merchant or party names and no title words (issue 12). The distinctive tokens are
 * taken from ../shared/corpus/truth.jsonl: every word of at least MIN_LENGTH letters of those
 * fields, minus GENERAL_VOCABULARY, which is ordinary language, legal forms and document-type
 * vocabulary that any document of a kind may print. The code checked is what rules are made of:
 * the string, template and regular-expression literals of the TypeScript sources (read with the
 * TypeScript scanner) and the strings of JSON files. A distinctive token, a whole name or title,
 * or a phrase that issue 12 listed, found there fails the test.
 */

const MIN_LENGTH = 4;
const NAME_FIELDS = ["issuer", "buyer", "merchant", "parties", "title", "organization"];

/** Phrases named in issue 12 as cues fitted to particular files. */
const EXPLICIT = [
  "redbooks",
  "redpaper",
  "gutenberg",
  "wikipedia",
  "he said",
  "creature",
  "rsvp",
  "hi all",
  "rechnung betrag",
];

/**
 * Words that may appear in code although some corpus name or title contains them, by kind.
 * Add a word only when it is general vocabulary of that kind, never because a cue needs it.
 */
const GENERAL_VOCABULARY: Record<string, string[]> = {
  "legal forms and organisation words": [
    "gmbh",
    "corp",
    "corporation",
    "company",
    "holdings",
    "group",
    "fund",
    "services",
    "international",
    "limited",
  ],
  "document-type and business vocabulary (any language)": [
    "agreement",
    "license",
    "distributor",
    "distribution",
    "definitions",
    "program",
    "term",
    "transfer",
    "report",
    "annual",
    "financial",
    "analysis",
    "review",
    "introduction",
    "conclusions",
    "year",
    "kunde",
    "lieferant",
    "restaurant",
    "restoran",
    "title",
    "form",
  ],
  months: [
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
  ],
  "layout and format words": [
    "page",
    "pages",
    "table",
    "column",
    "lines",
    "lists",
    "headings",
    "paragraphs",
    "image",
    "photo",
    "text",
    "document",
    "content",
    "cover",
    "data",
    "code",
    "structure",
    "sample",
    "examples",
    "dense",
  ],
  "ordinary English": [
    "with",
    "based",
    "three",
    "long",
    "short",
    "open",
    "opening",
    "main",
    "part",
    "port",
    "self",
    "natural",
    "fresh",
    "support",
    "control",
    "deep",
    "nested",
    "domain",
    "question",
    "retrieval",
    "project",
    "rules",
    "interface",
    "python",
  ],
};

const GENERAL = new Set(Object.values(GENERAL_VOCABULARY).flat());

const CODE_ROOTS = ["services/ai", "services/parsing", "services/ai", "services/parsing"];

function normalise(s: string): string {
  return s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .filter((f) => /\.(?:[cm]?[jt]s|json)$/.test(f));
}

const LITERAL_KINDS = new Set([
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.TemplateHead,
  ts.SyntaxKind.TemplateMiddle,
  ts.SyntaxKind.TemplateTail,
  ts.SyntaxKind.RegularExpressionLiteral,
]);

/** The literals of a source file, each normalised (a regex's alternatives become separate words). */
function literalsOf(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  if (file.endsWith(".json")) return [normalise(text)];
  const out: string[] = [];
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const visit = (node: ts.Node): void => {
    if (LITERAL_KINDS.has(node.kind)) out.push(normalise(node.getText(source)));
    node.forEachChild(visit);
  };
  visit(source);
  return out;
}

function distinctiveTerms(): { tokens: Map<string, string>; names: Map<string, string> } {
  const tokens = new Map<string, string>();
  const names = new Map<string, string>();
  const lines = fs.readFileSync(path.join(corpusDir(), "truth.jsonl"), "utf8").split("\n").filter(Boolean);
  for (const line of lines) {
    const record = JSON.parse(line) as { file: string; fields?: Record<string, unknown> };
    for (const field of NAME_FIELDS) {
      const value = record.fields?.[field];
      if (value === undefined) continue;
      for (const name of Array.isArray(value) ? value : [value]) {
        const n = normalise(String(name));
        if (n.includes(" ")) names.set(n, record.file);
        for (const w of n.split(" ")) {
          if (w.length >= MIN_LENGTH && /\p{L}/u.test(w) && !GENERAL.has(w)) tokens.set(w, record.file);
        }
      }
    }
  }
  return { tokens, names };
}

describe("no rule names a corpus file", () => {
  it("finds no distinctive corpus token, name or listed phrase in the AI and parsing code", () => {
    const { tokens, names } = distinctiveTerms();
    expect(tokens.size).toBeGreaterThan(100);
    const files = CODE_ROOTS.flatMap(filesUnder);
    expect(files.length).toBeGreaterThan(10);
    const offences: string[] = [];
    for (const file of files) {
      const text = ` ${literalsOf(file).join(" | ")} `;
      for (const [token, source] of tokens)
        if (text.includes(` ${token} `)) offences.push(`${file}: "${token}" (from ${source})`);
      for (const [name, source] of names)
        if (text.includes(` ${name} `)) offences.push(`${file}: "${name}" (from ${source})`);
      for (const phrase of EXPLICIT)
        if (text.includes(` ${normalise(phrase)} `)) offences.push(`${file}: "${phrase}" (issue 12)`);
    }
    expect(offences).toEqual([]);
  });

  it("would catch a cue naming a corpus seller", () => {
    const { tokens } = distinctiveTerms();
    // Sanity check of the filter itself: real seller names stay distinctive, vocabulary does not.
    expect([...tokens.keys()].some((t) => t.length >= 6)).toBe(true);
    expect(tokens.has("agreement")).toBe(false);
    expect(tokens.has("gmbh")).toBe(false);
  });
});
