// Upload: drop files or a folder; they are sent as one batch, and WatchBatch shows each document's
// progress and the batch's (with the server's estimate of the time remaining). A reload resumes the
// watch from the cursors saved in localStorage.

import { DocumentStatus } from "../../../gen/docmesh/document/v1/document_pb.ts";
import { ingestion, progress } from "../clients.ts";
import { announce, errorMessage, h, replace } from "../dom.ts";
import { idOf, seconds, statusClass, statusLabel, TERMINAL } from "../labels.ts";
import type { View } from "../main.ts";
import { loadUpload, saveUpload, type UploadItem, type UploadState } from "../upload-state.ts";

/** One-call uploads carry the content in the request; the contract caps them at 64 MiB. */
const MAX_BYTES = 64 * 1024 * 1024;
const PARALLEL_UPLOADS = 3;

export const uploadView: View = (main) => {
  let state = loadUpload();
  let watch: AbortController | undefined;
  let stopped = false;
  const early = new Map<string, Seen>();

  const fileInput = h("input", { type: "file", id: "files", multiple: true, class: "visually-hidden" });
  const folderInput = h("input", {
    type: "file",
    id: "folder",
    webkitdirectory: true,
    multiple: true,
    class: "visually-hidden",
  });
  const zone = h(
    "div",
    { class: "dropzone", id: "dropzone" },
    h("p", {}, "Drop files or a folder here"),
    h(
      "p",
      {},
      h("label", { for: "files", class: "button" }, "Choose files"),
      " ",
      h("label", { for: "folder", class: "button" }, "Choose a folder"),
    ),
    fileInput,
    folderInput,
  );
  const progressArea = h("section", { "aria-label": "Batch progress", "aria-live": "polite" });
  main.replaceChildren(h("h1", {}, "Upload"), zone, progressArea);

  const pick = (input: HTMLInputElement) => () => {
    void start([...(input.files ?? [])]);
    input.value = "";
  };
  fileInput.addEventListener("change", pick(fileInput));
  folderInput.addEventListener("change", pick(folderInput));
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    void droppedFiles(event.dataTransfer).then(start);
  });

  async function start(files: File[]): Promise<void> {
    if (files.length === 0) return;
    let batch: string;
    try {
      const created = await ingestion.createBatch({
        displayName: `console upload ${new Date().toISOString().slice(0, 19)}`,
      });
      batch = created.batch?.name ?? "";
    } catch (error) {
      announce(`The batch could not be created: ${errorMessage(error)}`, "error");
      return;
    }
    watch?.abort();
    state = {
      batch,
      startedAt: Date.now(),
      items: files.map((f) => ({
        file: f.webkitRelativePath || f.name,
        size: f.size,
        status: DocumentStatus.UNSPECIFIED,
        sequence: 0,
        phase: "queued",
      })),
    };
    persist();
    void follow(state);
    const queue = files.map((file, i) => [file, state?.items[i]] as const);
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await send(next[0], next[1] as UploadItem);
    };
    await Promise.all(Array.from({ length: PARALLEL_UPLOADS }, worker));
  }

  async function send(file: File, item: UploadItem): Promise<void> {
    if (!state) return;
    if (file.size > MAX_BYTES || file.size === 0) {
      item.phase = "refused";
      item.error = file.size === 0 ? "empty file" : "over 64 MiB: use CreateUpload (docs/api.md)";
      return persist();
    }
    item.phase = "sending";
    persist();
    try {
      const response = await ingestion.uploadDocument({
        fileName: file.name.slice(0, 255),
        content: new Uint8Array(await file.arrayBuffer()),
        batch: state.batch,
      });
      item.document = response.document?.name;
      item.duplicate = response.duplicate;
      item.phase = "sent";
      if (response.document && item.sequence === 0) item.status = response.document.status;
      const seen = item.document ? early.get(item.document) : undefined;
      if (seen) apply(item, seen);
    } catch (error) {
      item.phase = "refused";
      item.error = errorMessage(error);
    }
    persist();
  }

  /** Watches the batch until every document is terminal; reconnects from the cursors on a drop. */
  async function follow(current: UploadState): Promise<void> {
    let delay = 500;
    while (!stopped && state === current && !finished(current)) {
      watch = new AbortController();
      try {
        const cursors = current.items
          .filter((i) => i.document && i.sequence > 0)
          .map((i) => ({ document: i.document as string, afterSequence: BigInt(i.sequence) }));
        for await (const message of progress.watchBatch(
          { name: current.batch, cursors },
          { signal: watch.signal },
        )) {
          delay = 500;
          if (message.message.case === "update") {
            const update = message.message.value;
            const seen = {
              sequence: Number(update.sequence),
              status: update.status,
              error: update.failureReason,
            };
            const item = current.items.find((i) => i.document === update.document);
            // An update can arrive before its upload call returns; it is applied when it does.
            if (item) apply(item, seen);
            else early.set(update.document, seen);
          } else if (message.message.case === "summary") {
            const s = message.message.value;
            const eta = s.estimatedTimeRemaining;
            current.summary = {
              total: s.totalDocuments,
              terminal: s.terminalDocuments,
              etaSeconds: eta ? Number(eta.seconds) + eta.nanos / 1e9 : undefined,
              byStatus: s.byStatus.map((c) => [c.status, c.count]),
            };
          }
          persist();
          if (finished(current)) break;
        }
      } catch (error) {
        if (stopped || state !== current) return;
        announce(`Progress stream interrupted (${errorMessage(error)}); resuming…`, "error");
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 10_000);
      } finally {
        watch.abort();
      }
    }
    if (state === current && finished(current)) announce("Every document of the batch has finished.");
  }

  function finished(current: UploadState): boolean {
    return current.items.every(
      (i) => i.phase === "refused" || i.phase === "lost" || (i.phase === "sent" && TERMINAL.has(i.status)),
    );
  }

  function persist(): void {
    saveUpload(state);
    render();
  }

  function render(): void {
    if (!state) {
      replace(
        progressArea,
        h("p", { class: "state empty" }, "No batch yet: drop some documents to start one."),
      );
      return;
    }
    const current = state;
    const sent = current.items.filter((i) => i.phase === "sent").length;
    const done = current.items.filter((i) => i.phase === "sent" && TERMINAL.has(i.status)).length;
    const total = current.items.filter((i) => i.phase !== "refused" && i.phase !== "lost").length;
    const eta = current.summary?.etaSeconds;
    replace(
      progressArea,
      h(
        "div",
        { class: "batch-head" },
        h("h2", {}, `Batch ${idOf(current.batch).slice(0, 8)}`),
        h("a", { href: `#/documents?batch=${encodeURIComponent(current.batch)}` }, "Show its documents"),
        h(
          "button",
          {
            type: "button",
            onclick: () => {
              watch?.abort();
              state = undefined;
              persist();
            },
          },
          "Forget this batch",
        ),
      ),
      h("progress", {
        id: "batch-progress",
        max: Math.max(total, 1),
        value: done,
        "aria-label": "Documents finished",
      }),
      h(
        "p",
        { id: "batch-summary" },
        `${done} of ${total} finished · ${sent} sent`,
        done < total
          ? ` · ${eta !== undefined ? `about ${seconds(eta)} left` : "estimating time left…"}`
          : " · done",
      ),
      h(
        "table",
        { class: "grid", id: "upload-table" },
        h("caption", { class: "visually-hidden" }, "Documents of the batch"),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, "File"),
            h("th", { scope: "col" }, "Status"),
            h("th", { scope: "col" }, "Note"),
          ),
        ),
        h(
          "tbody",
          {},
          current.items.map((item) =>
            h(
              "tr",
              { "data-file": item.file },
              h(
                "td",
                {},
                item.document ? h("a", { href: `#/documents/${idOf(item.document)}` }, item.file) : item.file,
              ),
              h(
                "td",
                {},
                item.phase === "sent"
                  ? h(
                      "span",
                      { class: statusClass(item.status) },
                      statusLabel(item.status) === "—" ? "Uploaded" : statusLabel(item.status),
                    )
                  : h("span", { class: `phase phase-${item.phase}` }, item.phase),
              ),
              h("td", {}, item.error ?? (item.duplicate ? "already uploaded: the existing document" : "")),
            ),
          ),
        ),
      ),
    );
  }

  render();
  if (state && !finished(state)) void follow(state);
  return () => {
    stopped = true;
    watch?.abort();
  };
};

interface Seen {
  sequence: number;
  status: DocumentStatus;
  error: string;
}

function apply(item: UploadItem, seen: Seen): void {
  if (seen.sequence <= item.sequence) return;
  item.sequence = seen.sequence;
  item.status = seen.status;
  if (seen.error) item.error = seen.error;
}

/** The files of a drop, walking into dropped folders. */
async function droppedFiles(data: DataTransfer | null): Promise<File[]> {
  if (!data) return [];
  const entries = [...data.items].map((i) => i.webkitGetAsEntry?.()).filter((e) => e) as FileSystemEntry[];
  if (entries.length === 0) return [...data.files];
  const files: File[] = [];
  const walk = async (entry: FileSystemEntry): Promise<void> => {
    if (entry.isFile) {
      files.push(await new Promise<File>((ok, ko) => (entry as FileSystemFileEntry).file(ok, ko)));
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((ok, ko) => reader.readEntries(ok, ko));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child);
      }
    }
  };
  for (const entry of entries) await walk(entry);
  return files;
}
