import type { PaymentCode } from "./structured.ts";

/**
 * Payment QR payloads, read by their public specifications:
 * - Swiss QR-bill: "Swiss Implementation Guidelines for the QR-bill" (SIX), payload type SPC,
 *   version 02xx, one element per line in a fixed order;
 * - EPC069-12 "Quick Response Code: guidelines to enable data capture for the initiation of a SEPA
 *   credit transfer" (GiroCode), service tag BCD, version 001/002.
 * A payload that breaks its specification is rejected with the reason; nothing is guessed.
 */
export type PaymentPayloadResult =
  | { ok: true; code: Omit<PaymentCode, "page"> }
  | { ok: false; reason: string };

/** Payloads longer than this are neither (an SPC payload is at most 997 characters, EPC 331 bytes). */
const MAX_PAYLOAD_CHARS = 1000;

export function parsePaymentPayload(text: string): PaymentPayloadResult {
  if (text.length > MAX_PAYLOAD_CHARS) return fail(`payload of ${text.length} characters is too long`);
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  if (lines[0] === "SPC") return parseSwissQrBill(lines);
  if (lines[0] === "BCD") return parseEpcQr(lines);
  return fail("not a payment code (no SPC or BCD header)");
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

// Swiss QR-bill element positions (Swiss Implementation Guidelines, "Data elements in the QR-bill").
const SPC = {
  version: 1,
  coding: 2,
  iban: 3,
  creditorName: 5,
  ultimateCreditor: 11, // 7 elements, reserved: must be empty
  amount: 18,
  currency: 19,
  debtorName: 21,
  referenceType: 27,
  reference: 28,
  message: 29,
  trailer: 30,
} as const;

function parseSwissQrBill(lines: string[]): PaymentPayloadResult {
  const at = (i: number) => (lines[i] ?? "").trim();
  if (lines.length < 31) return fail(`SPC: ${lines.length} elements, at least 31 required`);
  if (!/^02\d\d$/.test(at(SPC.version))) return fail(`SPC: unsupported version "${at(SPC.version)}"`);
  if (at(SPC.coding) !== "1") return fail(`SPC: coding type "${at(SPC.coding)}" is not 1 (UTF-8)`);
  if (at(SPC.trailer) !== "EPD") return fail("SPC: trailer EPD missing");
  const iban = at(SPC.iban).replace(/\s/g, "").toUpperCase();
  if (!/^(?:CH|LI)/.test(iban) || !isValidIban(iban)) return fail(`SPC: invalid CH/LI IBAN "${iban}"`);
  const creditorName = at(SPC.creditorName);
  if (!creditorName) return fail("SPC: creditor name missing");
  for (let i = SPC.ultimateCreditor; i < SPC.ultimateCreditor + 7; i++)
    if (at(i) !== "") return fail("SPC: ultimate creditor fields must be empty");
  const currency = at(SPC.currency);
  if (currency !== "CHF" && currency !== "EUR") return fail(`SPC: currency "${currency}" is not CHF or EUR`);
  const rawAmount = at(SPC.amount);
  let amount: number | undefined;
  if (rawAmount !== "") {
    if (!/^\d{1,9}\.\d{2}$/.test(rawAmount)) return fail(`SPC: malformed amount "${rawAmount}"`);
    amount = Number(rawAmount);
  }
  const refType = at(SPC.referenceType);
  const reference = at(SPC.reference);
  if (refType === "QRR" && !isValidQrReference(reference))
    return fail(`SPC: invalid QR reference "${reference}" (27 digits, mod 10 recursive)`);
  if (refType === "SCOR" && !isValidCreditorReference(reference))
    return fail(`SPC: invalid creditor reference "${reference}"`);
  if (refType === "NON" && reference !== "") return fail("SPC: reference given with type NON");
  if (refType !== "QRR" && refType !== "SCOR" && refType !== "NON")
    return fail(`SPC: unknown reference type "${refType}"`);
  return {
    ok: true,
    code: {
      standard: "swiss-qr-bill",
      iban,
      creditorName,
      currency,
      ...(amount !== undefined ? { amount } : {}),
      ...(reference ? { reference } : {}),
      ...(at(SPC.message) ? { message: at(SPC.message) } : {}),
      ...(at(SPC.debtorName) ? { debtorName: at(SPC.debtorName) } : {}),
    },
  };
}

function parseEpcQr(lines: string[]): PaymentPayloadResult {
  const at = (i: number) => (lines[i] ?? "").trim();
  const version = at(1);
  if (version !== "001" && version !== "002") return fail(`BCD: unsupported version "${version}"`);
  if (!/^[1-8]$/.test(at(2))) return fail(`BCD: character set "${at(2)}" is not 1–8`);
  if (at(3) !== "SCT" && at(3) !== "INST") return fail(`BCD: identification "${at(3)}" is not SCT`);
  const bic = at(4);
  if (version === "001" && !bic) return fail("BCD: version 001 requires a BIC");
  if (bic && !/^[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/.test(bic)) return fail(`BCD: invalid BIC "${bic}"`);
  const creditorName = at(5);
  if (!creditorName || creditorName.length > 70)
    return fail("BCD: beneficiary name missing or over 70 characters");
  const iban = at(6).replace(/\s/g, "").toUpperCase();
  if (!isValidIban(iban)) return fail(`BCD: invalid IBAN "${iban}"`);
  const rawAmount = at(7);
  let amount: number | undefined;
  if (rawAmount !== "") {
    const m = /^EUR(\d{1,9}(?:\.\d{1,2})?)$/.exec(rawAmount);
    const value = m ? Number(m[1]) : Number.NaN;
    if (!(value >= 0.01 && value <= 999999999.99)) return fail(`BCD: malformed amount "${rawAmount}"`);
    amount = value;
  }
  const reference = at(9);
  const message = at(10);
  if (reference && message) return fail("BCD: structured and unstructured remittance are exclusive");
  if (reference.length > 35 || message.length > 140) return fail("BCD: remittance information too long");
  return {
    ok: true,
    code: {
      standard: "epc-qr",
      iban,
      creditorName,
      currency: "EUR",
      ...(amount !== undefined ? { amount } : {}),
      ...(reference ? { reference } : {}),
      ...(message ? { message } : {}),
    },
  };
}

/** ISO 13616 IBAN: country, check digits, BBAN; the ISO 7064 mod-97 check equals 1. */
export function isValidIban(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  return mod97(iban.slice(4) + iban.slice(0, 4)) === 1;
}

/** Swiss QR reference: 27 digits, the last a modulo-10-recursive check digit over the first 26. */
function isValidQrReference(ref: string): boolean {
  if (!/^\d{27}$/.test(ref)) return false;
  const table = [0, 9, 4, 6, 8, 2, 7, 1, 3, 5];
  let carry = 0;
  for (const ch of ref.slice(0, 26)) carry = table[(carry + Number(ch)) % 10] as number;
  return (10 - carry) % 10 === Number(ref[26]);
}

/** ISO 11649 creditor reference: RF, check digits, up to 21 characters, mod-97 equals 1. */
function isValidCreditorReference(ref: string): boolean {
  const r = ref.replace(/\s/g, "").toUpperCase();
  if (!/^RF\d{2}[A-Z0-9]{1,21}$/.test(r)) return false;
  return mod97(r.slice(4) + r.slice(0, 4)) === 1;
}

/** Letters as 10–35, then the remainder mod 97, digit by digit (the number is too long for a double). */
function mod97(s: string): number {
  let rest = 0;
  for (const ch of s) {
    const v = Number.parseInt(ch, 36);
    rest = v >= 10 ? (rest * 100 + v) % 97 : (rest * 10 + v) % 97;
  }
  return rest;
}
