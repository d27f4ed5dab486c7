// Where the CLI finds the server and the token: flags, then the environment, then a config file
// (JSON: {"url": "...", "token": "..."}), then the embedded server's default address.
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { UsageError } from "./exit-codes.ts";

export const DEFAULT_URL = "http://127.0.0.1:8080";

export interface CliConnection {
  url: string;
  token: string | undefined;
  /** Which source each value came from, for `docmesh config`. */
  sources: { url: string; token: string };
}

export function configPath(env: NodeJS.ProcessEnv): string {
  if (env.DOCMESH_CONFIG) return env.DOCMESH_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return join(base, "docmesh", "config.json");
}

function readConfigFile(path: string, explicit: boolean): { url?: string; token?: string } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (!explicit && (error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new UsageError(`cannot read the config file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the config file ${path} is not JSON: ${(error as Error).message}`);
  }
  const { url, token } = (parsed ?? {}) as Record<string, unknown>;
  if ((url !== undefined && typeof url !== "string") || (token !== undefined && typeof token !== "string")) {
    throw new UsageError(`the config file ${path} must hold {"url": string, "token": string}`);
  }
  return { url, token };
}

export function resolveConnection(
  flags: { url?: string; token?: string },
  env: NodeJS.ProcessEnv,
): CliConnection {
  const path = configPath(env);
  const file = readConfigFile(path, Boolean(env.DOCMESH_CONFIG));
  const pick = (flag: string | undefined, variable: string, fromFile: string | undefined) =>
    flag !== undefined
      ? { value: flag, source: "flag" }
      : env[variable]
        ? { value: env[variable], source: variable }
        : fromFile !== undefined
          ? { value: fromFile, source: path }
          : { value: undefined, source: "none" };
  const url = pick(flags.url, "DOCMESH_URL", file.url);
  const token = pick(flags.token, "DOCMESH_TOKEN", file.token);
  const value = url.value ?? DEFAULT_URL;
  try {
    new URL(value);
  } catch {
    throw new UsageError(`not a URL: ${value} (from ${url.source})`);
  }
  return {
    url: value,
    token: token.value || undefined,
    sources: { url: url.value === undefined ? "default" : url.source, token: token.source },
  };
}
