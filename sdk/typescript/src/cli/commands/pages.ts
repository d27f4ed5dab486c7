// Lists that stop at --limit: page after page until the limit or the last page.

export interface Page<T> {
  items: T[];
  nextPageToken: string;
  totalSize: bigint;
}

/** Up to `limit` items; `total` is the server's count of all matches. */
export async function collect<T>(
  limit: number,
  fetch: (pageSize: number, pageToken: string) => Promise<Page<T>>,
): Promise<{ items: T[]; total: bigint }> {
  const items: T[] = [];
  let pageToken = "";
  let total = 0n;
  do {
    const page = await fetch(Math.min(limit - items.length, 1000), pageToken);
    items.push(...page.items);
    total = page.totalSize;
    pageToken = page.nextPageToken;
  } while (pageToken && items.length < limit);
  return { items, total };
}
