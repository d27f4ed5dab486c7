// Human labels for the contract's enums and values.

import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { Category, DocumentStatus } from "../../gen/docmesh/document/v1/document_pb.ts";

const words = (name: string) => name.charAt(0) + name.slice(1).toLowerCase().replace(/_/g, " ");

export function statusLabel(status: DocumentStatus): string {
  return status === DocumentStatus.UNSPECIFIED ? "—" : words(DocumentStatus[status] ?? String(status));
}

export function categoryLabel(category: Category): string {
  return category === Category.UNSPECIFIED ? "—" : words(Category[category] ?? String(category));
}

/** Statuses after which the pipeline does nothing more on its own. */
export const TERMINAL = new Set([
  DocumentStatus.INDEXED,
  DocumentStatus.NEEDS_REVIEW,
  DocumentStatus.PARTIAL,
  DocumentStatus.FAILED,
]);

export const STATUSES = [
  DocumentStatus.UPLOADED,
  DocumentStatus.CLASSIFYING,
  DocumentStatus.EXTRACTING,
  DocumentStatus.INDEXING,
  DocumentStatus.INDEXED,
  DocumentStatus.NEEDS_REVIEW,
  DocumentStatus.PARTIAL,
  DocumentStatus.FAILED,
];

export const CATEGORIES = [
  Category.INVOICE,
  Category.RECEIPT,
  Category.CONTRACT,
  Category.REPORT,
  Category.OTHER,
];

export function statusClass(status: DocumentStatus): string {
  return `status status-${(DocumentStatus[status] ?? "unspecified").toLowerCase().replace(/_/g, "-")}`;
}

export function percent(confidence: number): string {
  return `${Math.round(confidence * 100)}\u00a0%`;
}

export function when(timestamp: Timestamp | undefined): string {
  if (!timestamp) return "—";
  return new Date(Number(timestamp.seconds) * 1000 + Math.floor(timestamp.nanos / 1e6)).toLocaleString();
}

export function bytes(size: bigint | number): string {
  const n = Number(size);
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function seconds(total: number): string {
  if (total < 60) return `${Math.max(1, Math.round(total))} s`;
  const minutes = Math.floor(total / 60);
  return `${minutes} min ${Math.round(total % 60)} s`;
}

/** `documents/<id>` → `<id>`. */
export function idOf(name: string): string {
  return name.slice(name.indexOf("/") + 1);
}
