// The upload screen's batch, kept in localStorage so a reload resumes it: per document the last
// progress sequence seen, which WatchBatch takes back as a cursor (nothing missed, nothing twice).

import type { DocumentStatus } from "../../gen/docmesh/document/v1/document_pb.ts";

export interface UploadItem {
  file: string;
  size: number;
  /** `documents/<id>` once the upload was accepted. */
  document?: string;
  status: DocumentStatus;
  /** The last progress sequence applied. */
  sequence: number;
  /** Upload not (yet) sent, sending, or the server's refusal. */
  phase: "queued" | "sending" | "sent" | "refused" | "lost";
  error?: string;
  duplicate?: boolean;
}

export interface UploadState {
  batch: string;
  startedAt: number;
  items: UploadItem[];
  summary?: { total: number; terminal: number; etaSeconds?: number; byStatus: [DocumentStatus, number][] };
}

const KEY = "docmesh.upload";

export function loadUpload(): UploadState | undefined {
  const raw = localStorage.getItem(KEY);
  if (!raw) return undefined;
  try {
    const state = JSON.parse(raw) as UploadState;
    // Files still queued or sending when the page went away cannot be sent any more.
    for (const item of state.items) {
      if (item.phase === "queued" || item.phase === "sending") {
        item.phase = "lost";
        item.error = "not sent: the page was reloaded first; drop the file again";
      }
    }
    return state;
  } catch {
    return undefined;
  }
}

export function saveUpload(state: UploadState | undefined): void {
  if (state) localStorage.setItem(KEY, JSON.stringify(state));
  else localStorage.removeItem(KEY);
}
