// What every command gets: the SDK client and the output channel (human text or JSON).
import type { Docmesh } from "../../docmesh.ts";

export interface Context {
  docmesh: Docmesh;
  json: boolean;
  /** A line for humans (stdout); ignored with --json. */
  say(line: string): void;
  /** A JSON value on one line (stdout); used with --json. */
  print(value: unknown): void;
}
