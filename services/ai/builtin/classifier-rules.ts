import type { ParsedDocument } from "../../parsing/types.ts";
import type { Category, Classification } from "../ai.ts";
import { CATEGORIES } from "../ai.ts";
import { findAmounts } from "../normalize/amount.ts";
import { countMatches, foldText, phraseRegex, words } from "./text.ts";

/**
 * Rule scores per category: hand-weighted cue phrases of document-type vocabulary in several
 * languages (invoice, till, legal, scholarly and correspondence conventions; counted sub-linearly,
 * with a bonus in the document's head, where titles are), plus shape features: length, money
 * density, OCR. No cue names a publisher, a brand or a person. The statistical classifier
 * (statistical-classifier.ts) may take these scores as features; alone they are the fallback.
 */

type Weights = Partial<Record<Category, number>>;

interface CueGroup {
  phrases: string[];
  w: Weights;
  /** Extra weight when a phrase occurs in the first 600 characters. */
  head?: Weights;
  /** Cap on the sub-linear count (log2(1+n)). */
  cap?: number;
}

// Phrases are matched on accent-folded lower-case text.
const CUES: CueGroup[] = [
  {
    phrases: [
      "invoice",
      "invoice number",
      "invoice no",
      "invoice date",
      "rechnung",
      "rechnungsnummer",
      "rechnungsdatum",
      "handelsrechnung",
      "rechnungsbetrag",
      "facture",
      "factura",
      "fattura",
      "factuur",
      "factuurnummer",
      "factuurdatum",
      "fatura",
      "nota fiscal",
      "bill to",
      "billed to",
      "invoice to",
    ],
    w: { invoice: 1.6, receipt: 0.35 },
    head: { invoice: 1.6 },
    cap: 3,
  },
  {
    phrases: [
      "due date",
      "payment terms",
      "amount due",
      "balance due",
      "zahlungsziel",
      "zahlbar",
      "faellig",
      "fälligkeit",
      "faelligkeit",
      "zahlungsbedingungen",
      "echeance",
      "date limite de paiement",
      "vervaldatum",
      "betalingstermijn",
      "fecha de vencimiento",
      "scadenza",
      "iban",
      "bic",
      "swift",
      "bank account",
      "bankverbindung",
      "wire transfer",
      "ust-id",
      "ust.-id",
      "ustid",
      "vat number",
      "vat no",
      "tva intracommunautaire",
      "numero de tva",
      "btw",
      "steuernummer",
      "net amount",
      "nettobetrag",
      "netto",
      "total ht",
      "montant ht",
      "hors taxe",
      "ttc",
      "exclusief btw",
      "subtotal",
      "zwischensumme",
      "unit price",
      "einzelpreis",
      "prix unitaire",
      "quantity",
      "menge",
      "order number",
      "bestellnummer",
      "kundennummer",
      "customer number",
      "numero client",
      "klantnummer",
      "ordernummer",
      "purchase order",
      "leistungsdatum",
      "lieferdatum",
    ],
    w: { invoice: 0.55 },
    cap: 4,
  },
  { phrases: ["tax invoice"], w: { invoice: 0.3, receipt: 0.9 } },
  {
    phrases: [
      "receipt",
      "payment receipt",
      "cash",
      "change",
      "cashier",
      "tender",
      "rounding",
      "rounding adj",
      "thank you",
      "come again",
      "please come again",
      "item count",
      "qty",
      "pax",
      "table",
      "kassenbon",
      "kassenbeleg",
      "quittung",
      "bon",
      "ticket de caisse",
      "recu",
      "recibo",
      "scontrino",
      "kassabon",
      "visa",
      "mastercard",
      "debit",
      "auth",
      "terminal",
      "member",
      "total rm",
      "rm",
      "gst",
      "sdn bhd",
      "s/b",
      "bhd",
      "counter",
      "trans",
      "slip",
      "server",
      "nett total",
      "total amount",
      // de / fr / es / it / nl / pt till vocabulary
      "ruckgeld",
      "bar",
      "gegeben",
      "kasse",
      "ec-karte",
      "kartenzahlung",
      "ihren einkauf",
      "rendu",
      "monnaie",
      "especes",
      "caisse",
      "merci de votre visite",
      "cambio",
      "efectivo",
      "gracias por su compra",
      "contanti",
      "resto",
      "cassa",
      "wisselgeld",
      "kassa",
      "contant",
      "pinnen",
      "troco",
      "dinheiro",
    ],
    w: { receipt: 0.55 },
    cap: 5,
  },
  {
    phrases: [
      "agreement",
      "this agreement",
      "hereby",
      "hereto",
      "hereof",
      "hereunder",
      "whereas",
      "in witness whereof",
      "governing law",
      "governed by",
      "laws of the state",
      "shall",
      "party",
      "parties",
      "by and between",
      "entered into",
      "terminate",
      "termination",
      "indemnify",
      "indemnification",
      "warrant",
      "warranties",
      "confidential information",
      "licensee",
      "licensor",
      "effective date",
      "term of this",
      "breach",
      "notices",
      "assignment",
      "amendment",
      "severability",
      "force majeure",
      "arbitration",
      "exhibit",
      "vertrag",
      "vereinbarung",
      "vertragspartner",
      "contrat",
      "contrato",
      "contratto",
      "overeenkomst",
      "les parties",
      "las partes",
    ],
    w: { contract: 0.5 },
    cap: 6,
  },
  {
    phrases: ["agreement", "contract", "vertrag", "contrat", "contrato", "license agreement"],
    w: {},
    head: { contract: 1.6 },
  },
  {
    phrases: [
      "abstract",
      "introduction",
      "conclusion",
      "conclusions",
      "references",
      "related work",
      "methodology",
      "results",
      "discussion",
      "et al",
      "arxiv",
      "doi",
      "proceedings",
      "university",
      "dataset",
      "experiments",
      "evaluation",
      "we propose",
      "our approach",
      "in this paper",
      "in this work",
      "state of the art",
      "table 1",
      "fig",
      "figure",
      "annual report",
      "form 10-k",
      "fiscal year",
      "securities and exchange commission",
      "report",
      "summary",
      "findings",
      "analysis",
      "performance",
      "resume",
      "rapport",
      "bericht",
      "informe",
      "keywords",
      "acknowledgments",
      "acknowledgements",
      "corresponding author",
      "journal",
      "shareholders",
      "revenue",
      "fiscal",
    ],
    w: { report: 0.45 },
    cap: 6,
  },
  {
    phrases: ["abstract", "annual report", "report", "paper", "white paper", "10-k"],
    w: {},
    head: { report: 1.0 },
  },
  {
    phrases: [
      "dear",
      "regards",
      "best regards",
      "sincerely",
      "subject",
      "you",
      "your",
      // salutations and closings of letters in de / fr / es / it / nl / pt
      "sehr geehrte",
      "mit freundlichen grussen",
      "cordialement",
      "madame, monsieur",
      "veuillez agreer",
      "estimado",
      "atentamente",
      "gentile",
      "distinti saluti",
      "geachte",
      "met vriendelijke groet",
      "prezado",
      "atenciosamente",
    ],
    w: { other: 0.35 },
    cap: 5,
  },
];

const COMPILED = CUES.map((g) => ({ ...g, res: g.phrases.map((p) => phraseRegex(foldText(p))) }));

const BIAS: Record<Category, number> = {
  invoice: -1.2,
  receipt: -1.4,
  contract: -1.4,
  report: -1.0,
  other: 0.8,
};

/** Softmax temperature of the rule scores when used alone. */
export const TEMPERATURE = 1.0;

export interface ClassifierFeatures {
  logits: Record<Category, number>;
  wordCount: number;
}

export function classifierLogits(doc: Pick<ParsedDocument, "text" | "ocr">): ClassifierFeatures {
  const folded = foldText(doc.text.slice(0, 200_000));
  const head = folded.slice(0, 600);
  const logits: Record<Category, number> = { ...BIAS };
  for (const g of COMPILED) {
    for (const re of g.res) {
      const n = countMatches(folded, re);
      if (n === 0) continue;
      const f = Math.min(g.cap ?? 3, Math.log2(1 + n));
      for (const [c, w] of Object.entries(g.w) as [Category, number][]) logits[c] += w * f;
      if (g.head && countMatches(head, re) > 0) {
        for (const [c, w] of Object.entries(g.head) as [Category, number][]) logits[c] += w;
      }
    }
  }
  const ws = words(folded);
  const wc = ws.length;
  // Shape features.
  const amounts = findAmounts(doc.text.slice(0, 50_000)).filter((a) => a.moneyLike).length;
  const density = wc > 0 ? amounts / wc : 0;
  if (amounts >= 3) {
    logits.invoice += Math.min(2, density * 12);
    logits.receipt += Math.min(2, density * 12);
  }
  if (wc < 40) logits.other += 0.8; // next to no text: a photo, a stub (weak evidence either way)
  if (wc < 350) {
    logits.receipt += 0.6;
    logits.contract -= 1.2;
  } else if (wc > 1200) {
    logits.receipt -= 1.5;
    logits.invoice -= 0.8;
  }
  if (wc > 3000) logits.contract += 0.8;
  if (doc.ocr) logits.receipt += 0.3; // receipts mostly arrive as photos
  // Financial documents without money in them are unlikely.
  if (amounts < 2) {
    logits.invoice -= 1.5;
    logits.receipt -= 1.5;
  }
  return { logits, wordCount: wc };
}

export function softmax(
  logits: Record<Category, number>,
  temperature = TEMPERATURE,
): Record<Category, number> {
  const max = Math.max(...CATEGORIES.map((c) => logits[c]));
  const exps = CATEGORIES.map((c) => Math.exp((logits[c] - max) / temperature));
  const sum = exps.reduce((a, b) => a + b, 0);
  const out = {} as Record<Category, number>;
  CATEGORIES.forEach((c, i) => {
    out[c] = (exps[i] as number) / sum;
  });
  return out;
}

/** Classification by the rule scores alone (the fallback when no trained model is shipped). */
export function classifyByRules(doc: Pick<ParsedDocument, "text" | "ocr">): Classification {
  const { logits } = classifierLogits(doc);
  const scores = softmax(logits);
  let category: Category = "other";
  for (const c of CATEGORIES) if (scores[c] > scores[category]) category = c;
  return { category, confidence: scores[category], scores };
}
