// Small durability helpers for the embedded bus: atomic file replace and directory fsync.
import { mkdir, open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";

/** fsync a directory so a rename or a new file inside it survives a power cut (best effort on platforms that refuse). */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch {
    // Some filesystems do not allow fsync on a directory; the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

/** Write a file atomically: write a temp file, fsync it, rename it over the target, fsync the directory. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const handle = await open(tmp, "w");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(tmp, { force: true });
    throw error;
  }
  await handle.close();
  await rename(tmp, path);
  await fsyncDir(dirname(path));
}
