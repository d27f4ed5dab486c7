// Keyset pages of rows listed newest first by (create_time, id): the stores fetch one row more than
// the page holds, and the last row of a full page is the cursor of the next.

/** Where the next page starts: just after this row. */
export interface NewestFirstCursor {
  createTime: string;
  id: string;
}

export function newestFirstPage<T extends { createTime: Date; id: string }>(
  fetched: T[],
  pageSize: number,
): { items: T[]; next?: NewestFirstCursor } {
  const items = fetched.slice(0, pageSize);
  const last = items.at(-1);
  const next =
    fetched.length > pageSize && last
      ? { createTime: last.createTime.toISOString(), id: last.id }
      : undefined;
  return { items, next };
}
