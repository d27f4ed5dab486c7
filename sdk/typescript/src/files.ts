// Turns what a user names (files, folders, glob patterns) into a sorted list of files.
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";

/** Folders are walked recursively (hidden files skipped); patterns are globs. Duplicates are dropped. */
export async function expandInputs(inputs: readonly string[]): Promise<string[]> {
  const files = new Set<string>();
  for (const input of inputs) {
    const info = await stat(input).catch(() => undefined);
    if (info?.isFile()) {
      files.add(resolve(input));
    } else if (info?.isDirectory()) {
      for (const file of await glob("**/*", { cwd: input, absolute: true, onlyFiles: true })) files.add(file);
    } else if (isDynamicPattern(input)) {
      for (const file of await glob(input, { absolute: true, onlyFiles: true })) files.add(file);
    } else {
      throw new Error(`no such file or folder: ${input}`);
    }
  }
  return [...files].sort();
}
