import { describe, expect, it } from "vitest";
import type { Outcome } from "../../../services/platform/bus/delivery.ts";
import { KeyOrderedWindow } from "../../../services/platform/bus/key-window.ts";

function deferred() {
  let resolve!: (outcome: Outcome) => void;
  const promise = new Promise<Outcome>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("KeyOrderedWindow", () => {
  it("with limit 1 runs one record at a time, in order", async () => {
    const window = new KeyOrderedWindow(1);
    const order: string[] = [];
    for (const [offset, key] of [
      ["0", "a"],
      ["1", "b"],
      ["2", "a"],
    ] as const) {
      await window.room();
      window.start(offset, key, async () => {
        order.push(`start ${offset}`);
        await tick();
        order.push(`end ${offset}`);
        return "done";
      });
    }
    await window.drain();
    expect(order).toEqual(["start 0", "end 0", "start 1", "end 1", "start 2", "end 2"]);
    expect(window.committable()).toBe("3");
  });

  it("commits only the finished prefix while a slow record is in flight", async () => {
    const window = new KeyOrderedWindow(4);
    const slow = deferred();
    window.start("10", "slow", () => slow.promise);
    window.start("11", "quick-1", async () => "done");
    window.start("12", "quick-2", async () => "done");
    await tick();
    expect(window.committable()).toBeUndefined();
    slow.resolve("done");
    await window.drain();
    expect(window.committable()).toBe("13");
  });

  it("holds a key's next record until its previous one finished", async () => {
    const window = new KeyOrderedWindow(4);
    const first = deferred();
    let secondStarted = false;
    window.start("0", "doc", () => first.promise);
    window.start("1", "doc", async () => {
      secondStarted = true;
      return "done";
    });
    await tick();
    expect(secondStarted).toBe(false);
    first.resolve("done");
    await window.drain();
    expect(secondStarted).toBe(true);
  });

  it("stops after an aborted record: its key's later records never run and the commit stays before it", async () => {
    const window = new KeyOrderedWindow(4);
    let laterRan = false;
    window.start("0", "a", async () => "done");
    window.start("1", "b", async () => "aborted");
    window.start("2", "b", async () => {
      laterRan = true;
      return "done";
    });
    await window.drain();
    expect(window.stopped).toBe(true);
    expect(laterRan).toBe(false);
    expect(window.committable()).toBe("1");
  });

  it("room() waits while `limit` records are in flight", async () => {
    const window = new KeyOrderedWindow(2);
    const a = deferred();
    const b = deferred();
    window.start("0", "a", () => a.promise);
    window.start("1", "b", () => b.promise);
    let roomy = false;
    const waiting = window.room().then(() => {
      roomy = true;
    });
    await tick();
    expect(roomy).toBe(false);
    b.resolve("done");
    await waiting;
    expect(roomy).toBe(true);
    a.resolve("done");
    await window.drain();
    expect(window.committable()).toBe("2");
  });
});
