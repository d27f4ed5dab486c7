// The contract harness on the embedded bus: a temporary directory; every open() is a process restart.
import { access, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmbeddedBus } from "../../../services/platform/bus/embedded.ts";
import type { BusHarness } from "../../contract/bus.ts";

export async function embeddedHarness(): Promise<BusHarness> {
  const directory = await mkdtemp(join(tmpdir(), "docmesh-bus-"));
  return {
    open: () => EmbeddedBus.open({ directory }),
    groupExists: (groupId) =>
      access(join(directory, "groups", groupId)).then(
        () => true,
        () => false,
      ),
    dispose: () => rm(directory, { recursive: true, force: true }),
  };
}
