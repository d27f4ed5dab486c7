// The console's HTTP routes beside the RPCs: which paths they claim, the built files, and when the
// server mints development tokens (and what it refuses).
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import http from "node:http";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { DEV_JWKS_PATH } from "../../../gateway/dev-token.ts";
import { consoleRoute } from "../../../services/console/console-route.ts";
import type { SessionSettings } from "../../../services/console/dev-session.ts";
import { isConsolePath } from "../../../services/console/static-files.ts";
import { startServer } from "../../../services/platform/server.ts";

const servers: http.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

function dist(): string {
  const dir = mkdtempSync(join(tmpdir(), "docmesh-console-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>console</title>");
  writeFileSync(join(dir, "assets", "app-1234.js"), "console.log(1)");
  writeFileSync(join(dir, "secret.txt"), "not served");
  return dir;
}

/** A server with the console's routes first and a stand-in RPC handler behind them. */
async function serve(settings: Partial<SessionSettings>, distDir = dist()): Promise<string> {
  const route = consoleRoute(settings, distDir);
  const server = http.createServer((req, res) => {
    if (!route(req, res)) res.writeHead(299).end("rpc");
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const devServer: Partial<SessionSettings> = { mode: "embedded", auth: "jwt", jwks: DEV_JWKS_PATH };

describe("console routes", () => {
  it("claim only the page, its assets and the sign-in helpers", () => {
    for (const path of ["/", "/index.html", "/assets/app.js"]) expect(isConsolePath(path), path).toBe(true);
    for (const path of [
      "/docmesh.metadata.v1.MetadataService/GetDocument",
      "/grpc.health.v1.Health/Check",
      "/v1/documents",
      "/uploads/x",
    ])
      expect(isConsolePath(path), path).toBe(false);
  });

  it("serve index.html and hashed assets with the right caching, and leave RPC paths alone", async () => {
    const url = await serve({});
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("cache-control")).toBe("no-cache");
    expect(await page.text()).toContain("<title>console</title>");
    const asset = await fetch(`${url}/assets/app-1234.js`);
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect((await fetch(`${url}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${url}/secret.txt`)).status).toBe(299);
    expect(
      (await fetch(`${url}/docmesh.metadata.v1.MetadataService/GetDocument`, { method: "POST" })).status,
    ).toBe(299);
    // POST to the page is an RPC handler's business (it answers 404/415 itself).
    expect((await fetch(`${url}/`, { method: "POST" })).status).toBe(299);
  });

  it("never serve a file outside the build, however the path is encoded", async () => {
    const url = await serve({});
    for (const path of [
      "/assets/..%2fsecret.txt",
      "/assets/%2e%2e/secret.txt",
      "/assets/..%2f..%2fetc%2fpasswd",
    ]) {
      const response = await fetch(`${url}${path}`);
      expect(response.status, path).not.toBe(200);
    }
  });

  it("say how to build the console when it is not built", async () => {
    const url = await serve({}, join(tmpdir(), "docmesh-no-such-dist"));
    const response = await fetch(`${url}/`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("npm run web:build");
  });

  it("report the sign-in mode, and mint only on an embedded server that trusts the development key", async () => {
    const none = await serve({ mode: "embedded", auth: "none", jwks: DEV_JWKS_PATH });
    expect(await (await fetch(`${none}/console/session`)).json()).toEqual({
      auth: "none",
      devTokens: false,
      mode: "embedded",
    });
    const post = (url: string, body: unknown) =>
      fetch(`${url}/console/dev-token`, { method: "POST", body: JSON.stringify(body) });
    expect((await post(none, { tenant: "acme" })).status).toBe(404);
    const cluster = await serve({ ...devServer, mode: "cluster" });
    expect((await post(cluster, { tenant: "acme" })).status).toBe(404);
    const otherKeys = await serve({ ...devServer, jwks: "https://idp.example/jwks.json" });
    expect((await post(otherKeys, { tenant: "acme" })).status).toBe(404);

    const dev = await serve(devServer);
    expect(await (await fetch(`${dev}/console/session`)).json()).toEqual({
      auth: "jwt",
      devTokens: true,
      mode: "embedded",
    });
    const minted = await post(dev, { tenant: "acme", roles: ["reviewer"] });
    expect(minted.status).toBe(200);
    const claims = decodeJwt(((await minted.json()) as { token: string }).token);
    expect(claims).toMatchObject({ tenant: "acme", roles: ["reviewer"], iss: "docmesh-dev", aud: "docmesh" });
  });

  it("refuse bad mint requests with a reason", async () => {
    const dev = await serve(devServer);
    const post = (body: string, method = "POST") =>
      fetch(`${dev}/console/dev-token`, { method, body: method === "GET" ? undefined : body });
    const cases: [string, number, string][] = [
      ["not json", 400, "JSON"],
      [JSON.stringify({}), 400, "tenant"],
      [JSON.stringify({ tenant: "a b" }), 400, "tenant"],
      [JSON.stringify({ tenant: "acme", roles: ["root"] }), 400, "roles"],
      [JSON.stringify({ tenant: "acme", subject: 7 }), 400, "subject"],
      [JSON.stringify({ tenant: "acme", pad: "x".repeat(5000) }), 413, "bytes"],
    ];
    for (const [body, status, says] of cases) {
      const response = await post(body);
      expect(response.status, body.slice(0, 40)).toBe(status);
      expect(((await response.json()) as { error: string }).error, body.slice(0, 40)).toContain(says);
    }
    expect((await post("", "GET")).status).toBe(405);
  });

  it("answer over h2c on the API server too (how Envoy's upstream connections reach it)", async () => {
    const server = await startServer({
      host: "127.0.0.1",
      port: 0,
      routes: () => {},
      httpRoutes: consoleRoute({ mode: "embedded", auth: "none" }, dist()),
    });
    const session = http2.connect(server.url);
    try {
      const get = (path: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const stream = session.request({ ":path": path, ":method": "GET" });
          let status = 0;
          let body = "";
          stream.on("response", (headers) => (status = Number(headers[":status"])));
          stream.on("data", (chunk: Buffer) => (body += chunk));
          stream.on("end", () => resolve({ status, body }));
          stream.on("error", reject);
        });
      expect(await get("/")).toMatchObject({
        status: 200,
        body: expect.stringContaining("<title>console</title>"),
      });
      expect(JSON.parse((await get("/console/session")).body)).toMatchObject({ auth: "none" });
    } finally {
      session.close();
      await server.close();
    }
  });
});
