import type { PaymentCode } from "../../../parsing/structured.ts";
import type { Category } from "../../ai.ts";
import type { Fields } from "./shared.ts";

/**
 * Our fields from a payment QR code (Swiss QR-bill, EPC GiroCode). The payload is exact, but its
 * meaning is the payment's, not the invoice's: the creditor is usually the issuer, and the amount
 * is what is to be paid (the total unless something was prepaid). Hence confidences below the XML's.
 */
const CONFIDENCE = { currency: 0.95, issuer: 0.9, total: 0.9, buyer: 0.85 } as const;

export function paymentCodeFields(category: Category, codes: readonly PaymentCode[]): Fields {
  // The first code that names an amount, else the first one: a bill may repeat its code per page.
  const code = codes.find((c) => c.amount !== undefined) ?? codes[0];
  if (!code || (category !== "invoice" && category !== "receipt")) return {};
  const out: Fields = {};
  if (code.currency) out.currency = { value: code.currency, confidence: CONFIDENCE.currency };
  if (code.amount !== undefined) out.total_amount = { value: code.amount, confidence: CONFIDENCE.total };
  if (category === "invoice") {
    out.issuer = { value: code.creditorName, confidence: CONFIDENCE.issuer };
    if (code.debtorName) out.buyer = { value: code.debtorName, confidence: CONFIDENCE.buyer };
  } else out.merchant = { value: code.creditorName, confidence: CONFIDENCE.issuer };
  return out;
}
