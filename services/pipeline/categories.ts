import { Category as CategoryEnum } from "../../gen/docmesh/document/v1/document_pb.ts";
import type { Category } from "../ai/ai.ts";

const TO_ENUM: Record<Category, CategoryEnum> = {
  invoice: CategoryEnum.INVOICE,
  receipt: CategoryEnum.RECEIPT,
  contract: CategoryEnum.CONTRACT,
  report: CategoryEnum.REPORT,
  other: CategoryEnum.OTHER,
};

export const categoryToEnum = (category: Category): CategoryEnum => TO_ENUM[category];

export function categoryFromEnum(value: CategoryEnum): Category {
  const found = (Object.keys(TO_ENUM) as Category[]).find((key) => TO_ENUM[key] === value);
  return found ?? "other";
}
