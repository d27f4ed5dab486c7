import { simpleParser } from "mailparser";
import { ParseError } from "./errors.ts";
import { cleanText, type FormatResult } from "./format.ts";
import { htmlToText } from "./html.ts";

/** E-mail (RFC 822/5322, MIME): the subject, then the text body (or the HTML body as text). Attachments are not parsed. */
export async function parseEml(bytes: Uint8Array): Promise<FormatResult> {
  let mail: Awaited<ReturnType<typeof simpleParser>>;
  try {
    mail = await simpleParser(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      skipImageLinks: true,
      skipTextLinks: true,
    });
  } catch (err) {
    throw new ParseError("malformed", `eml: ${(err as Error).message}`);
  }
  const subject = mail.subject?.trim() ?? "";
  let body = mail.text?.trim() ?? "";
  if (!body && typeof mail.html === "string") body = htmlToText(mail.html);
  const text = [subject, body].filter((s) => s.length > 0).join("\n\n");
  return { pages: [cleanText(text)], ocr: false };
}
