import { access, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmbeddedBus } from "../../../services/platform/bus/embedded.ts";
import { progressHubSuite } from "../../contract/progress-hub.ts";

progressHubSuite("embedded", async () => {
  const directory = await mkdtemp(join(tmpdir(), "docmesh-hub-"));
  return {
    open: () => EmbeddedBus.open({ directory }),
    groupExists: (groupId) =>
      access(join(directory, "groups", groupId)).then(
        () => true,
        () => false,
      ),
    dispose: () => rm(directory, { recursive: true, force: true }),
  };
});
