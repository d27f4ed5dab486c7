// The web console's HTTP/1.1 routes beside the RPCs: the built files and the sign-in helpers.
import type http from "node:http";
import { join } from "node:path";
import { devSession, type SessionSettings } from "./dev-session.ts";
import { staticFiles } from "./static-files.ts";

/** Where `npm run web:build` writes the console. */
export const CONSOLE_DIST = join(import.meta.dirname, "../../web/dist");

export function consoleRoute(
  settings: Partial<SessionSettings>,
  distDir = CONSOLE_DIST,
): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  const session = devSession(settings);
  const files = staticFiles(distDir);
  return (req, res) => session(req, res) || files(req, res);
}
