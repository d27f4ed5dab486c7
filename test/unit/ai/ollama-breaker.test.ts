import { describe, expect, it } from "vitest";
import { CircuitBreaker, CircuitOpenError } from "../../../services/ai/ollama/breaker.ts";
import { isTransient, OllamaClient } from "../../../services/ai/ollama/client.ts";
import { DocmeshError } from "../../../services/platform/errors.ts";

function clock() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const fail = () => Promise.reject(new Error("connection refused"));
const ok = () => Promise.resolve("ok");

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

describe("CircuitBreaker", () => {
  it("opens after N consecutive failures and then fails fast with a retriable unavailable error", async () => {
    const c = clock();
    const b = new CircuitBreaker({ failureThreshold: 3, coolDownMs: 1_000, now: c.now, name: "ollama" });
    for (let i = 0; i < 2; i++) await rejection(b.run(fail));
    expect(b.state).toBe("closed");
    await rejection(b.run(fail));
    expect(b.state).toBe("open");
    let called = false;
    const err = await rejection(
      b.run(() => {
        called = true;
        return ok();
      }),
    );
    expect(called).toBe(false);
    expect(err).toBeInstanceOf(CircuitOpenError);
    expect(err).toBeInstanceOf(DocmeshError);
    expect((err as DocmeshError).kind).toBe("unavailable");
    expect((err as DocmeshError).retriable).toBe(true);
    expect((err as Error).message).toMatch(
      /circuit open after 3 consecutive failures; next trial in 1000 ms/,
    );
  });

  it("a success resets the failure count", async () => {
    const b = new CircuitBreaker({ failureThreshold: 2 });
    await rejection(b.run(fail));
    await b.run(ok);
    await rejection(b.run(fail));
    expect(b.state).toBe("closed");
    expect(b.consecutiveFailures).toBe(1);
  });

  it("half-open after the cool-down: one trial call; success closes, failure re-opens", async () => {
    const c = clock();
    const b = new CircuitBreaker({ failureThreshold: 1, coolDownMs: 500, now: c.now });
    await rejection(b.run(fail));
    expect(b.state).toBe("open");
    c.advance(499);
    expect(b.state).toBe("open");
    c.advance(1);
    expect(b.state).toBe("half-open");
    // The trial fails: open again for a full cool-down.
    await rejection(b.run(fail));
    expect(b.state).toBe("open");
    c.advance(500);
    // Only one trial at a time: a concurrent call fails fast while the trial is in flight.
    let release: (v: string) => void = () => {};
    const trial = b.run(() => new Promise<string>((r) => (release = r)));
    expect(await rejection(b.run(ok))).toBeInstanceOf(CircuitOpenError);
    release("ok");
    await expect(trial).resolves.toBe("ok");
    expect(b.state).toBe("closed");
    expect(b.consecutiveFailures).toBe(0);
  });

  it("errors the caller caused do not count against the dependency", async () => {
    const b = new CircuitBreaker({ failureThreshold: 1 });
    const bad = Object.assign(new Error("model not found"), { status_code: 404 });
    await rejection(b.run(() => Promise.reject(bad), isTransient));
    expect(b.state).toBe("closed");
  });
});

describe("OllamaClient retries and breaker", () => {
  it("retries transient failures with backoff, then gives up with unavailable; then fails fast", async () => {
    let calls = 0;
    const fetch = (async () => {
      calls++;
      throw new TypeError("fetch failed");
    }) as unknown as typeof globalThis.fetch;
    const client = new OllamaClient({
      host: "http://127.0.0.1:1",
      retries: 2,
      backoffMs: 1,
      breaker: { failureThreshold: 5, coolDownMs: 60_000 },
      fetch,
    });
    const e1 = await rejection(client.embed("m", ["x"]));
    expect(calls).toBe(3);
    expect((e1 as DocmeshError).kind).toBe("unavailable");
    expect((e1 as Error).message).toMatch(/after 3 attempt/);
    // Two more failures reach the threshold of 5 and open the circuit mid-retry.
    const e2 = await rejection(client.embed("m", ["x"]));
    expect(calls).toBe(5);
    expect(client.breaker.state).toBe("open");
    expect((e2 as DocmeshError).retriable).toBe(true);
    const t = performance.now();
    const e3 = await rejection(client.embed("m", ["x"]));
    expect(performance.now() - t).toBeLessThan(50);
    expect(calls).toBe(5);
    expect(e3).toBeInstanceOf(CircuitOpenError);
  });

  it("does not retry a 4xx answer, and reports it as a non-retriable error", async () => {
    let calls = 0;
    const fetch = (async () => {
      calls++;
      return new Response(JSON.stringify({ error: "model 'nope' not found" }), {
        status: 404,
        headers: { "content-type": "application/json" },
      });
    }) as unknown as typeof globalThis.fetch;
    const client = new OllamaClient({ host: "http://127.0.0.1:1", retries: 3, backoffMs: 1, fetch });
    const e = await rejection(client.embed("nope", ["x"]));
    expect(calls).toBe(1);
    expect((e as DocmeshError).retriable).toBe(false);
    expect((e as Error).message).toMatch(/not found/);
    expect(client.breaker.state).toBe("closed");
  });

  it("retries a 503 and succeeds when the server recovers", async () => {
    let calls = 0;
    const fetch = (async () => {
      calls++;
      if (calls === 1) return new Response(JSON.stringify({ error: "busy" }), { status: 503 });
      return new Response(JSON.stringify({ model: "m", embeddings: [[3, 4]] }), {
        status: 200,
        headers: { "content-type": "application/json" },
      });
    }) as unknown as typeof globalThis.fetch;
    const client = new OllamaClient({ host: "http://127.0.0.1:1", retries: 1, backoffMs: 1, fetch });
    const res = await client.embed("m", ["x"]);
    expect(calls).toBe(2);
    expect(res.embeddings).toEqual([[3, 4]]);
  });
});
