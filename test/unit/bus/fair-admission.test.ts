import { describe, expect, it } from "vitest";
import { FairAdmission } from "../../../services/platform/bus/fair-admission.ts";

const never = new AbortController().signal;

/** A job that finishes when its release() is called. */
function job(log: string[], name: string) {
  let release = () => {};
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    work: async () => {
      log.push(name);
      await done;
      return name;
    },
    release: () => release(),
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("FairAdmission", () => {
  it("admits waiting records by key, fewest running then admitted longest ago, each key in arrival order", async () => {
    const gate = new FairAdmission(1);
    const log: string[] = [];
    const jobs = ["a1", "a2", "a3", "a4", "b1", "c1", "b2"].map((name) => job(log, name));
    const runs = jobs.map((j, i) =>
      gate.run((["a", "a", "a", "a", "b", "c", "b"] as const)[i] ?? "", j.work, never),
    );
    await tick();
    expect(log).toEqual(["a1"]);
    expect(gate.queued).toBe(6);
    for (const j of jobs) {
      j.release();
      await tick();
      await tick();
    }
    await Promise.all(runs);
    // b1 and c1 wait for the record of a that was running, not for a's backlog: a1 got in without
    // waiting, yet a is served after the keys never admitted.
    expect(log).toEqual(["a1", "b1", "c1", "a2", "b2", "a3", "a4"]);
  });

  it("gives a free permit to the key with the fewest records running", async () => {
    const gate = new FairAdmission(3);
    const log: string[] = [];
    const jobs = ["a1", "a2", "b1", "a3", "b2"].map((name) => job(log, name));
    const keys = ["a", "a", "b", "a", "b"];
    const runs = jobs.map((j, i) => gate.run(keys[i] ?? "", j.work, never));
    await tick();
    expect(log).toEqual(["a1", "a2", "b1"]);
    // b1 finishes first: a has 2 running, b none, so b2 goes before a3 although a3 came first.
    jobs[2]?.release();
    await tick();
    await tick();
    expect(log).toEqual(["a1", "a2", "b1", "b2"]);
    for (const j of jobs) j.release();
    await Promise.all(runs);
    expect(log).toEqual(["a1", "a2", "b1", "b2", "a3"]);
  });

  it("runs up to `permits` at once and leaves a record whose signal aborts while it waits", async () => {
    const gate = new FairAdmission(2);
    const log: string[] = [];
    const [x, y, z] = ["x", "y", "z"].map((name) => job(log, name));
    const abort = new AbortController();
    const rx = gate.run("t", x?.work ?? (async () => ""), never);
    const ry = gate.run("t", y?.work ?? (async () => ""), never);
    const rz = gate.run("t", z?.work ?? (async () => ""), abort.signal);
    await tick();
    expect(log).toEqual(["x", "y"]);
    abort.abort();
    expect(await rz).toBe("aborted");
    x?.release();
    y?.release();
    expect(await rx).toBe("x");
    expect(await ry).toBe("y");
    expect(log).toEqual(["x", "y"]);
    expect(gate.queued).toBe(0);
  });
});
