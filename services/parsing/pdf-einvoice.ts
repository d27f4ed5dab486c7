import { isEInvoiceCandidate, readEInvoiceXml } from "./einvoice-xml.ts";
import type { EInvoiceData } from "./structured.ts";

interface PdfAttachment {
  filename?: string;
  rawFilename?: string;
  content?: Uint8Array;
}

/**
 * The e-invoice XML a PDF/A-3 carries as an embedded file (Factur-X, ZUGFeRD, XRechnung), read
 * through pdf.js's getAttachments(). pdf.js inflates every attachment; that happens inside the
 * parse thread's heap and time budget, and only XML attachments of at most 5 MiB are then read.
 */
export async function embeddedEInvoice(doc: {
  getAttachments(): Promise<Record<string, PdfAttachment> | null>;
}): Promise<EInvoiceData | undefined> {
  let attachments: Record<string, PdfAttachment> | null;
  try {
    attachments = await doc.getAttachments();
  } catch {
    return undefined; // a broken attachment tree leaves the text layer as it was
  }
  for (const [key, a] of Object.entries(attachments ?? {})) {
    const name = a.filename || a.rawFilename || key;
    if (!a.content || !isEInvoiceCandidate(name, a.content.byteLength)) continue;
    const invoice = readEInvoiceXml(a.content, name);
    if (invoice) return invoice;
  }
  return undefined;
}
