// A real HTTP receiver for the webhook tests: records every request with its raw body, and answers
// with the status codes it is told to, per path, in order (then 200).
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
  /** The answer has been sent (a slow path answers late). */
  answered: boolean;
}

export class Receiver {
  readonly received: Received[] = [];
  private readonly scripts = new Map<string, number[]>();
  private readonly fixed = new Map<string, number>();
  private readonly delays = new Map<string, number>();
  private server: Server | undefined;
  url = "";

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const path = request.url ?? "/";
        const status = this.scripts.get(path)?.shift() ?? this.fixed.get(path) ?? 200;
        const body = Buffer.concat(chunks).toString();
        const received: Received = { path, headers: request.headers, body, status, answered: false };
        this.received.push(received);
        setTimeout(() => {
          received.answered = true;
          response
            .writeHead(status, { "content-type": "text/plain" })
            .end(status === 200 ? "ok" : "try later");
        }, this.delays.get(path) ?? 0);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next answers on `path`, in order; after them, `then` (default 200). */
  answer(path: string, statuses: number[], then = 200): void {
    this.scripts.set(path, [...statuses]);
    this.fixed.set(path, then);
  }

  /** Answers on `path` only after `ms` (a slow endpoint). */
  delay(path: string, ms: number): void {
    this.delays.set(path, ms);
  }

  on(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
