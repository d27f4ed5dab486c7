// The review queue: the tasks oldest first; claim one, correct its category or fields, complete it.
// Keyboard: j/k or n/p move through the queue, c claims, e edits the first doubtful field,
// a accepts as is, s saves the corrections and completes, r releases, ? lists the keys.

import { clone, create } from "@bufbuild/protobuf";
import { FieldMaskSchema } from "@bufbuild/protobuf/wkt";
import {
  type Category,
  ExtractedFieldsSchema,
  ReviewReasonCode,
} from "../../../gen/docmesh/document/v1/document_pb.ts";
import type { ReviewTask } from "../../../gen/docmesh/review/v1/review_service_pb.ts";
import { review } from "../clients.ts";
import { announce, empty, errorMessage, failure, h, loading, replace } from "../dom.ts";
import { fieldRows, setField } from "../fields.ts";
import { CATEGORIES, categoryLabel, idOf, percent, when } from "../labels.ts";
import type { View } from "../main.ts";
import { claims } from "../session.ts";
import { confidenceBar } from "./document.ts";

const RENEW_EVERY_MS = 60_000;

export const reviewView: View = (main, params) => {
  let tasks: ReviewTask[] = [];
  let selected = params.get("document") ? `reviewTasks/${params.get("document")}` : "";
  let renewTimer: number | undefined;
  const me = claims()?.sub ?? "local";

  const queue = h("section", { class: "queue", "aria-labelledby": "queue-title" });
  const detail = h("section", {
    class: "task",
    id: "task",
    "aria-live": "polite",
    "aria-label": "Selected task",
  });
  main.replaceChildren(
    h(
      "div",
      { class: "doc-head" },
      h("h1", {}, "Review"),
      h(
        "p",
        { class: "hint", id: "shortcuts", tabindex: "-1" },
        "Keys: j/k next/previous · c claim · e edit · a accept · s save and complete · r release",
      ),
    ),
    h("div", { class: "review-layout" }, queue, detail),
  );

  const current = () => tasks.find((t) => t.name === selected);
  const heldByMe = (task: ReviewTask | undefined) =>
    !!task?.claim &&
    task.claim.reviewer === me &&
    Number(task.claim.expireTime?.seconds ?? 0) * 1000 > Date.now();

  async function loadQueue(): Promise<void> {
    replace(queue, h("h2", { id: "queue-title" }, "Queue"), loading("the queue"));
    try {
      const response = await review.listReviewTasks({ pageSize: 100, includeClaimed: true });
      tasks = response.reviewTasks;
      if (!selected || !current()) selected = tasks[0]?.name ?? "";
      renderQueue(response.totalSize);
      renderTask();
    } catch (error) {
      replace(
        queue,
        h("h2", { id: "queue-title" }, "Queue"),
        failure(error, () => void loadQueue()),
      );
      replace(detail);
    }
  }

  function renderQueue(total: bigint): void {
    replace(
      queue,
      h("h2", { id: "queue-title" }, `Queue (${total})`),
      tasks.length === 0
        ? empty("Nothing to review: every document is indexed.")
        : h(
            "ol",
            { class: "task-list" },
            tasks.map((task) =>
              h(
                "li",
                {},
                h(
                  "button",
                  {
                    type: "button",
                    class: "task-item",
                    "aria-current": task.name === selected ? "true" : undefined,
                    "data-task": task.name,
                    onclick: () => select(task.name),
                  },
                  h("strong", {}, task.document?.fileName ?? idOf(task.name)),
                  h(
                    "span",
                    { class: "hint" },
                    `${categoryLabel(task.document?.category ?? 0)} · ${task.reasons.length} reason(s) · since ${when(task.enqueueTime)}`,
                  ),
                  task.claim &&
                    h(
                      "span",
                      { class: task.claim.reviewer === me ? "badge mine" : "badge" },
                      task.claim.reviewer === me ? "claimed by you" : `held by ${task.claim.reviewer}`,
                    ),
                ),
              ),
            ),
          ),
    );
  }

  function select(name: string): void {
    selected = name;
    renderQueue(BigInt(tasks.length));
    renderTask();
  }

  function renderTask(): void {
    const task = current();
    window.clearInterval(renewTimer);
    if (!task) {
      replace(detail);
      return;
    }
    const document = task.document;
    const mine = heldByMe(task);
    if (mine) renewTimer = window.setInterval(() => void renew(task), RENEW_EVERY_MS);
    const reasons = new Map(task.reasons.map((r) => [r.field, r]));
    const rows = fieldRows(document?.fields);
    const category = h(
      "select",
      { id: "review-category", disabled: !mine },
      CATEGORIES.map((c) =>
        h("option", { value: String(c), selected: c === document?.category }, categoryLabel(c)),
      ),
    );
    const keep = h("input", { type: "checkbox", id: "keep-in-review", disabled: !mine });
    const comment = h("input", { id: "review-comment", type: "text", disabled: !mine, maxlength: 1000 });
    const inputs = rows.map((row) => {
      const reason = reasons.get(row.path.split(".").slice(1).join(".")) ?? reasons.get(row.path);
      const id = `field-${row.path.replace(/\W/g, "-")}`;
      const input = h("input", {
        id,
        "data-path": row.path,
        "data-doubtful": reason ? "true" : undefined,
        value: row.value,
        disabled: !mine,
        "aria-describedby": `${id}-note`,
      });
      return {
        row,
        input,
        element: h(
          "div",
          { class: reason ? "field doubtful" : "field" },
          h("label", { for: id }, row.label),
          input,
          h(
            "span",
            { id: `${id}-note`, class: "hint" },
            row.missing ? "missing" : confidenceBar(row.confidence),
            reason &&
              ` · ${reason.code === ReviewReasonCode.MISSING ? "not found" : `low confidence (${percent(reason.confidence)})`}`,
          ),
        ),
      };
    });
    replace(
      detail,
      h(
        "div",
        { class: "doc-head" },
        h("h2", {}, h("a", { href: `#/documents/${idOf(task.name)}` }, document?.fileName ?? task.name)),
        h(
          "p",
          { class: "hint", id: "claim-state" },
          task.claim
            ? `${task.claim.reviewer === me ? "You hold" : `${task.claim.reviewer} holds`} this task until ${when(task.claim.expireTime)}`
            : "Unclaimed",
        ),
      ),
      !mine &&
        h(
          "button",
          { type: "button", class: "primary", id: "claim", onclick: () => void claim(task) },
          "Claim (c)",
        ),
      h(
        "form",
        {
          class: "correction",
          onsubmit: (event: Event) => {
            event.preventDefault();
            void complete(task, inputs, category, keep, comment, true);
          },
        },
        h("div", { class: "field" }, h("label", { for: "review-category" }, "Category"), category),
        inputs.length === 0 ? empty("No fields to correct for this category.") : inputs.map((i) => i.element),
        h("div", { class: "field" }, h("label", { for: "review-comment" }, "Comment"), comment),
        h("label", { class: "inline" }, keep, " Keep in review"),
        h(
          "div",
          { class: "actions" },
          h(
            "button",
            { type: "submit", class: "primary", id: "save", disabled: !mine },
            "Save and complete (s)",
          ),
          h(
            "button",
            {
              type: "button",
              id: "accept",
              disabled: !mine,
              onclick: () => void complete(task, inputs, category, keep, comment, false),
            },
            "Accept as is (a)",
          ),
          h(
            "button",
            { type: "button", id: "release", disabled: !mine, onclick: () => void release(task) },
            "Release (r)",
          ),
        ),
      ),
    );
  }

  /** The first doubtful field (else the first field) takes the focus, ready to type. */
  function focusField(): void {
    const input =
      detail.querySelector<HTMLInputElement>("input[data-doubtful]:not(:disabled)") ??
      detail.querySelector<HTMLInputElement>("input[data-path]:not(:disabled)");
    input?.focus();
    input?.select();
  }

  async function claim(task: ReviewTask): Promise<void> {
    try {
      const { reviewTask } = await review.claimReviewTask({ name: task.name });
      if (reviewTask) tasks = tasks.map((t) => (t.name === task.name ? reviewTask : t));
      announce(
        "Claimed: the task is yours until the lease ends (renewed while this page is open). Press e to edit.",
      );
      renderQueue(BigInt(tasks.length));
      renderTask();
      // The focus stays outside the fields, so the shortcuts keep working: "e" starts editing.
    } catch (error) {
      announce(errorMessage(error), "error");
    }
  }

  async function renew(task: ReviewTask): Promise<void> {
    try {
      await review.renewReviewClaim({ name: task.name });
    } catch (error) {
      announce(`The claim could not be renewed: ${errorMessage(error)}`, "error");
      await loadQueue();
    }
  }

  async function release(task: ReviewTask): Promise<void> {
    try {
      await review.releaseReviewTask({ name: task.name });
      announce("Released back to the queue.");
      await loadQueue();
    } catch (error) {
      announce(errorMessage(error), "error");
    }
  }

  async function complete(
    task: ReviewTask,
    inputs: { row: { path: string; value: string }; input: HTMLInputElement }[],
    category: HTMLSelectElement,
    keep: HTMLInputElement,
    comment: HTMLInputElement,
    withCorrections: boolean,
  ): Promise<void> {
    const document = task.document;
    if (!document) return;
    const paths: string[] = [];
    const fields = clone(ExtractedFieldsSchema, document.fields ?? create(ExtractedFieldsSchema));
    try {
      if (withCorrections) {
        const changed = inputs.filter((i) => i.input.value.trim() !== i.row.value);
        for (const i of changed) setField(fields, i.row.path, i.input.value);
        if (changed.length > 0) paths.push("fields");
        if (Number(category.value) !== document.category) paths.push("category");
      }
      const response = await review.completeReviewTask({
        name: task.name,
        etag: document.etag,
        category: Number(category.value) as Category,
        fields: paths.includes("fields") ? fields : undefined,
        updateMask: create(FieldMaskSchema, { paths }),
        keepInReview: keep.checked,
        comment: comment.value.trim(),
      });
      announce(
        `Completed ${document.fileName}${paths.length ? ` (corrected ${paths.join(" and ")})` : " as it was"}: ${
          response.document ? "now re-indexing" : "done"
        }.`,
      );
      const index = tasks.findIndex((t) => t.name === task.name);
      selected = tasks[index + 1]?.name ?? "";
      await loadQueue();
    } catch (error) {
      announce(`Not completed: ${errorMessage(error)}`, "error");
    }
  }

  // Shortcuts act only when the focus is not in a text field (there the keys type).
  const onKey = (event: KeyboardEvent) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target as HTMLElement;
    if (target.matches("input:not([type=checkbox]), textarea, select")) {
      if (event.key === "Escape") target.blur();
      return;
    }
    const task = current();
    const index = tasks.findIndex((t) => t.name === selected);
    const act: Record<string, () => void> = {
      j: () => tasks[index + 1] && select(tasks[index + 1]?.name ?? ""),
      n: () => tasks[index + 1] && select(tasks[index + 1]?.name ?? ""),
      k: () => index > 0 && select(tasks[index - 1]?.name ?? ""),
      p: () => index > 0 && select(tasks[index - 1]?.name ?? ""),
      c: () => task && !heldByMe(task) && void claim(task),
      // The field takes the focus when the key is released: focused now, the "e" itself would be
      // typed into it (Chromium still delivers the character after a prevented keydown).
      e: () => {
        editOnKeyUp = true;
      },
      a: () => (detail.querySelector("#accept") as HTMLButtonElement | null)?.click(),
      s: () => (detail.querySelector("#save") as HTMLButtonElement | null)?.click(),
      r: () => (detail.querySelector("#release") as HTMLButtonElement | null)?.click(),
      "?": () => document.getElementById("shortcuts")?.focus(),
    };
    const action = act[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  };
  let editOnKeyUp = false;
  const onKeyUp = (event: KeyboardEvent) => {
    if (event.key !== "e" || !editOnKeyUp) return;
    editOnKeyUp = false;
    focusField();
  };
  window.addEventListener("keydown", onKey);
  window.addEventListener("keyup", onKeyUp);
  void loadQueue();
  return () => {
    window.removeEventListener("keydown", onKey);
    window.removeEventListener("keyup", onKeyUp);
    window.clearInterval(renewTimer);
  };
};
