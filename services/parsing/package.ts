import { inflateRawSync } from "node:zlib";
import { ParseError } from "./errors.ts";
import { assertTextFits, type FormatBudget } from "./format.ts";
import { decodeText } from "./sniff.ts";
import { walkXml, xmlAttr } from "./xml.ts";
import { assertZipWithinLimit, type ZipEntry } from "./zip.ts";

/** A relationship of an OOXML part: where it points (a part name) and its type URI. */
export interface Relationship {
  target: string;
  type: string;
}

/**
 * The parts of a ZIP-based office package (OOXML or ODF). Opening it runs the same guard as DOCX
 * and EPUB (declared sizes, then a capped inflate of every entry), so a zip bomb fails with
 * `decompression_bomb` before any part is read. A part's XML is refused as `memory` when it is
 * longer than the heap budget allows (the same heap / 8 rule as extracted text).
 */
export class OfficePackage {
  private readonly entries: Map<string, ZipEntry>;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly budget: FormatBudget,
    /** The format, for error messages ("pptx", "ods", …). */
    readonly format: string,
  ) {
    this.entries = new Map(assertZipWithinLimit(bytes, budget.maxUncompressedBytes).map((e) => [e.name, e]));
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The part's text (BOM-aware; UTF-8 otherwise). A missing part is `malformed`. */
  text(name: string): string {
    const en = this.entries.get(name);
    if (!en) throw new ParseError("malformed", `${this.format}: missing part ${name}`);
    const dv = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    const h = en.localHeaderOffset;
    const start = h + 30 + dv.getUint16(h + 26, true) + dv.getUint16(h + 28, true);
    const data = this.bytes.subarray(start, start + en.compressedSize);
    let raw: Uint8Array = data;
    if (en.method !== 0) {
      try {
        raw = inflateRawSync(data, { maxOutputLength: Math.max(1, this.budget.maxUncompressedBytes) });
      } catch (err) {
        throw new ParseError(
          "malformed",
          `${this.format}: part ${name} does not inflate: ${(err as Error).message}`,
        );
      }
    }
    assertTextFits(raw.byteLength, `${this.format}: part ${name}`);
    return decodeText(raw);
  }

  /**
   * The relationships of an OOXML part, by id, from `<folder>/_rels/<file>.rels`; targets resolved
   * to part names. External targets (hyperlinks) are left out. No .rels part → none.
   */
  relationships(part: string): Map<string, Relationship> {
    const slash = part.lastIndexOf("/");
    const folder = part.slice(0, slash + 1);
    const relsName = `${folder}_rels/${part.slice(slash + 1)}.rels`;
    const rels = new Map<string, Relationship>();
    if (!this.has(relsName)) return rels;
    walkXml(
      this.text(relsName),
      {
        open: (name, attrs) => {
          if (name !== "Relationship" || xmlAttr(attrs, "TargetMode") === "External") return;
          const id = xmlAttr(attrs, "Id");
          const target = xmlAttr(attrs, "Target");
          if (id && target)
            rels.set(id, { target: resolvePart(folder, target), type: xmlAttr(attrs, "Type") ?? "" });
        },
      },
      `${this.format}: ${relsName}`,
    );
    return rels;
  }

  /** The first relationship of `part` whose type URI ends with `/typeSuffix` (e.g. "officeDocument"). */
  related(part: string, typeSuffix: string): string | undefined {
    for (const rel of this.relationships(part).values())
      if (rel.type.endsWith(`/${typeSuffix}`)) return rel.target;
    return undefined;
  }
}

/** A relationship target (relative to `folder`, or absolute from the package root) as a part name. */
function resolvePart(folder: string, target: string): string {
  const parts = target.startsWith("/") ? [] : folder.split("/").filter(Boolean);
  let path = target;
  try {
    path = decodeURIComponent(target);
  } catch {
    // not percent-encoded after all: use it as written
  }
  for (const seg of path.split("/")) {
    if (seg === "..") parts.pop();
    else if (seg !== "." && seg !== "") parts.push(seg);
  }
  return parts.join("/");
}
