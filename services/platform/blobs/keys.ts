// Blob keys are shared by every store: a relative path of safe segments, so a key can never
// escape the local directory, and means the same thing in MinIO and on disk.

import { invalid } from "../errors.ts";

const SEGMENT = /^[A-Za-z0-9._=+@-]+$/;
export const MAX_KEY_LENGTH = 512;

/** Throws DocmeshError invalid unless `key` is `seg(/seg)*` with no empty, "." or ".." segment. */
export function validateKey(key: string): string {
  if (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw invalid(`blob key must be 1..${MAX_KEY_LENGTH} characters`);
  }
  for (const segment of key.split("/")) {
    if (segment === "" || segment === "." || segment === ".." || !SEGMENT.test(segment)) {
      throw invalid(`invalid blob key "${key}": segments are [A-Za-z0-9._=+@-], no empty, "." or ".."`);
    }
  }
  return key;
}
