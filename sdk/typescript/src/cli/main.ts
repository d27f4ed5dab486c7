// docmesh: the command line for Docmesh. Usage in docs/cli.md; `docmesh --help` prints it short.
import { parseArgs } from "node:util";
import { Code } from "@connectrpc/connect";
import { Docmesh } from "../docmesh.ts";
import { toDocmeshError } from "../errors.ts";
import type { Context } from "./commands/context.ts";
import { dlq } from "./commands/dlq.ts";
import { edit, get, reprocess, search } from "./commands/documents.ts";
import { replay } from "./commands/replay.ts";
import { review } from "./commands/review.ts";
import { upload } from "./commands/upload.ts";
import { watch } from "./commands/watch.ts";
import { configPath, resolveConnection } from "./config.ts";
import { EXIT, exitCodeFor, UsageError } from "./exit-codes.ts";

const HELP = `docmesh <command> [flags]

Commands:
  upload <file|folder|glob>...   upload into a new batch, with progress bars
      --batch batches/<id>  join an existing batch    --batch-name <text>  name the new batch
      --no-batch            upload without a batch    --watch              then watch the batch to the end
      --concurrency <n>     files at once (4)         --large-file-bytes <n>  presigned path from this size (16 MiB)
      --progress auto|always|never  progress bars on stderr (auto: only on a terminal)
  watch documents/<id>|batches/<id>   follow progress to the end (resumes after disconnects)
  search <query>...              --mode keyword|semantic|hybrid (hybrid)  --limit <n> (10)
  get documents/<id>             show a document and its fields
  edit documents/<id>            --category <c>  --set group.field=value (repeatable)  --fields <json>
                                 --reason <text>  --etag <etag> (default: the current one)
  reprocess documents/<id>       run the pipeline again
  review list                    the review queue  --batch batches/<id>  --include-claimed  --limit <n> (50)
  review claim <task>            take a lease  --lease <seconds>   (<task>: reviewTasks/<id> or documents/<id>)
  review release <task>          give it back
  review complete <task>         accept as is, or correct: --category <c>  --set group.field=value  --fields <json>
                                 --comment <text>  --keep-in-review  --etag <etag> (default: the current one)
  review stats                   queue depth, ages, completions  --days <n> (30)
  dlq list                       dead letters  --state pending|redriven|all (pending)  --group <consumer group>
                                 --document documents/<id>  --limit <n> (50)
  dlq redrive deadLetters/<id>...   publish them again (or --all with the filter flags above, --limit <n>)
  replay start                   --from-stage classify|extract|index  --limit <n> (required)  --batch batches/<id>
                                 --status indexed,needs-review,partial,failed  --category <c,...>  --tenant <t>  --wait
  replay status replays/<id>     progress  --wait (until it is no longer running)
  replay cancel replays/<id>     stop it
  config                         show the server URL and where it and the token came from

Global flags:
  --url <url>      server (env DOCMESH_URL, config file "url"; default http://127.0.0.1:8080)
  --token <token>  bearer token, sent as is (env DOCMESH_TOKEN, config file "token")
  --json           machine-readable output on stdout
  -h, --help       this help;  --version

Config file: $DOCMESH_CONFIG, else $XDG_CONFIG_HOME/docmesh/config.json or ~/.config/docmesh/config.json
Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 auth, 5 refused by the server,
            6 server unavailable, 7 partly done (some uploads failed, a document ended FAILED,
            or some dead letters could not be redriven)`;

export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    process.stderr.write(`docmesh: ${(error as Error).message}\n\n${HELP}\n`);
    return EXIT.usage;
  }
  const { values: flags, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (flags.version) {
    process.stdout.write("docmesh 0.1.0\n");
    return EXIT.ok;
  }
  if (flags.help || !command || command === "help") {
    process.stdout.write(`${HELP}\n`);
    return command || flags.help ? EXIT.ok : EXIT.usage;
  }
  const json = Boolean(flags.json);
  try {
    const connection = resolveConnection({ url: flags.url, token: flags.token }, process.env);
    const context: Context = {
      docmesh: new Docmesh({
        baseUrl: connection.url,
        ...(connection.token ? { token: connection.token } : {}),
      }),
      json,
      say: (line) => {
        if (!json) process.stdout.write(`${line}\n`);
      },
      print: (value) => process.stdout.write(`${JSON.stringify(value)}\n`),
    };
    switch (command) {
      case "upload":
        return await upload(context, rest, flags);
      case "watch":
        return await watch(context, rest);
      case "search":
        return await search(context, rest, flags);
      case "get":
        return await get(context, rest);
      case "edit":
        return await edit(context, rest, flags);
      case "reprocess":
        return await reprocess(context, rest);
      case "review":
        return await review(context, rest, flags);
      case "dlq":
        return await dlq(context, rest, flags);
      case "replay":
        return await replay(context, rest, flags);
      case "config": {
        const { url, sources, token } = connection;
        const shown = {
          url,
          urlFrom: sources.url,
          token: token ? "set" : "none",
          tokenFrom: sources.token,
          configFile: configPath(process.env),
        };
        if (json) context.print(shown);
        else
          context.say(
            `url    ${url} (from ${sources.url})\ntoken  ${shown.token} (from ${sources.token})\nconfig ${shown.configFile}`,
          );
        return EXIT.ok;
      }
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } catch (thrown) {
    const error = thrown instanceof UsageError ? thrown : toDocmeshError(thrown);
    const code = exitCodeFor(error);
    const message =
      error instanceof UsageError ? error.message : (error as ReturnType<typeof toDocmeshError>).rawMessage;
    if (json) {
      process.stdout.write(
        `${JSON.stringify({ error: { code: error instanceof UsageError ? "usage" : codeName(error), message, exitCode: code } })}\n`,
      );
    }
    process.stderr.write(`docmesh: ${message}${code === EXIT.usage ? "  (docmesh --help)" : ""}\n`);
    return code;
  }
}

/** "invalid_argument", as Connect spells codes on the wire. */
function codeName(error: unknown): string {
  const name = Code[toDocmeshError(error).code] ?? "Unknown";
  return name.replace(/[A-Z]/g, (c, i: number) => `${i ? "_" : ""}${c.toLowerCase()}`);
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      url: { type: "string" },
      token: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean" },
      batch: { type: "string" },
      "batch-name": { type: "string" },
      "no-batch": { type: "boolean" },
      concurrency: { type: "string" },
      "large-file-bytes": { type: "string" },
      progress: { type: "string" },
      watch: { type: "boolean" },
      mode: { type: "string" },
      limit: { type: "string" },
      category: { type: "string" },
      set: { type: "string", multiple: true },
      fields: { type: "string" },
      reason: { type: "string" },
      etag: { type: "string" },
      "include-claimed": { type: "boolean" },
      lease: { type: "string" },
      comment: { type: "string" },
      "keep-in-review": { type: "boolean" },
      days: { type: "string" },
      state: { type: "string" },
      group: { type: "string" },
      document: { type: "string" },
      all: { type: "boolean" },
      "from-stage": { type: "string" },
      status: { type: "string", multiple: true },
      tenant: { type: "string" },
      wait: { type: "boolean" },
    },
  });
}

process.exitCode = await main(process.argv.slice(2));
