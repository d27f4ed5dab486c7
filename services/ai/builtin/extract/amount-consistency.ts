import { sameMoney } from "../../normalize/amount.ts";

/**
 * Invoice arithmetic (EN 16931: BT-109 net + BT-110 tax = BT-112 total) used to choose among
 * amount candidates and to set their confidence. Pure functions of numbers, no document cues.
 */

export type Reconciliation = "reconciles" | "contradicts" | "unknown";

/** Tax rates stated next to a tax word ("USt. 19 %", "VAT 20%", "TVA 5,5 %"), as fractions. */
export function statedTaxRates(text: string): number[] {
  const rates = new Set<number>();
  const re = /(?:vat|tax|mwst|ust|umsatzsteuer|tva|btw|iva|gst)[^\n%]{0,30}?(\d{1,2}(?:[.,]\d{1,2})?)\s*%/gi;
  for (const m of text.matchAll(re)) {
    const r = Number((m[1] as string).replace(",", ".")) / 100;
    if (r > 0 && r < 0.5) rates.add(r);
  }
  return [...rates];
}

/**
 * Whether the amounts present agree with each other. Net + tax = total within a cent, or, when a
 * tax rate is stated and the tax is that rate of the net, within the few cents that per-line
 * rounding of the tax leaves. A total below the net, or a tax not below the total, contradicts.
 */
export function reconcile(
  amounts: { net?: number; tax?: number; total?: number },
  rates: number[] = [],
): Reconciliation {
  const { net, tax, total } = amounts;
  if (total !== undefined && net !== undefined && net > total + 0.01) return "contradicts";
  if (total !== undefined && tax !== undefined && total > 0 && tax >= total) return "contradicts";
  if (net === undefined || tax === undefined || total === undefined) return "unknown";
  if (total <= 0) return "unknown";
  if (sameMoney(net + tax, total)) return "reconciles";
  const rateFits = rates.some((r) => Math.abs(net * r - tax) <= 0.05);
  if (rateFits && Math.abs(net + tax - total) <= 0.05) return "reconciles";
  return "contradicts";
}

/** Score adjustment for a candidate combination: reward agreement, penalise contradiction. */
export function consistencyBonus(r: Reconciliation, allThree: boolean): number {
  if (r === "reconciles") return 4;
  if (r === "contradicts") return allThree ? -2 : -3;
  return 0;
}

/** Confidence adjustment for each amount of the chosen combination. */
export function consistencyConfidence(r: Reconciliation): number {
  if (r === "reconciles") return 0.25;
  if (r === "contradicts") return -0.15;
  return 0;
}
