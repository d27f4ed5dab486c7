// The extracted fields as the contract defines them (docmesh.document.v1.ExtractedFields), read by
// protobuf-es reflection from the generated schemas: which categories have typed fields, each field's
// key (the proto field name), and its type (TextField, DateField, AmountField, TextListField). A field
// added to the .proto appears here, and so in FIELD_KEYS, the providers' prompts and the pipeline.
import type { DescField, DescMessage } from "@bufbuild/protobuf";
import {
  AmountFieldSchema,
  DateFieldSchema,
  ExtractedFieldsSchema,
  TextFieldSchema,
  TextListFieldSchema,
} from "../../gen/docmesh/document/v1/document_pb.ts";
import type { Category } from "./ai.ts";

export type FieldKind = "text" | "date" | "amount" | "textList";

export interface ContractField {
  /** The extraction key: the proto field name, e.g. "total_amount". */
  key: string;
  kind: FieldKind;
  /** The field of the category message, e.g. InvoiceFields.total_amount. */
  field: DescField & { fieldKind: "message" };
}

export interface ContractCategory {
  /** The member of the ExtractedFields.kind oneof, e.g. ExtractedFields.invoice. */
  member: DescField & { fieldKind: "message" };
  fields: ContractField[];
}

export type TypedCategory = Exclude<Category, "other">;

const KIND_OF: ReadonlyMap<string, FieldKind> = new Map([
  [TextFieldSchema.typeName, "text"],
  [DateFieldSchema.typeName, "date"],
  [AmountFieldSchema.typeName, "amount"],
  [TextListFieldSchema.typeName, "textList"],
]);

function messageField(field: DescField, where: string): DescField & { fieldKind: "message" } {
  if (field.fieldKind !== "message") throw new Error(`${where}: ${field.name} is not a message field`);
  return field;
}

function readContract(schema: DescMessage): Record<TypedCategory, ContractCategory> {
  const kind = schema.oneofs.find((o) => o.name === "kind");
  if (!kind) throw new Error(`${schema.typeName} has no oneof kind`);
  const out: Partial<Record<string, ContractCategory>> = {};
  for (const member of kind.fields) {
    const categoryMember = messageField(member, schema.typeName);
    out[member.name] = {
      member: categoryMember,
      fields: categoryMember.message.fields.map((f) => {
        const field = messageField(f, categoryMember.message.typeName);
        const fieldKind = KIND_OF.get(field.message.typeName);
        if (!fieldKind) throw new Error(`${categoryMember.message.typeName}.${f.name}: unknown field type`);
        return { key: field.name, kind: fieldKind, field };
      }),
    };
  }
  return out as Record<TypedCategory, ContractCategory>;
}

/** Per category with typed fields, its fields in contract order. */
export const CONTRACT_FIELDS: Readonly<Record<TypedCategory, ContractCategory>> =
  readContract(ExtractedFieldsSchema);

/** The extraction keys whose contract type is `kind`, over every category. */
export function keysOfKind(kind: FieldKind): Set<string> {
  return new Set(
    Object.values(CONTRACT_FIELDS).flatMap((c) => c.fields.filter((f) => f.kind === kind).map((f) => f.key)),
  );
}
