// Runs the `docmesh` bin as a subprocess with a clean environment: a fresh HOME (no stray
// ~/.config/docmesh), no config file or token from the caller, and the given server URL.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Ran, runTs } from "../sdk/run-node.ts";

const BIN = "sdk/typescript/bin/docmesh.js";

export type Cli = (args: string[], env?: Record<string, string | undefined>) => Promise<Ran>;

/** `url()` is read at each call (servers start in beforeAll). */
export function cli(url: () => string): Cli {
  const home = mkdtempSync(join(tmpdir(), "docmesh-cli-home-"));
  return (args, env = {}) =>
    runTs(BIN, args, {
      HOME: home,
      XDG_CONFIG_HOME: undefined,
      DOCMESH_CONFIG: undefined,
      DOCMESH_TOKEN: undefined,
      DOCMESH_URL: url(),
      ...env,
    });
}
