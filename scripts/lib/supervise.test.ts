import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { supervise } from "./supervise";

// Real child processes: a crash is a process that exits on its own, a healthy one waits for a signal.
const crashing = () => spawn(process.execPath, ["-e", "process.exit(3)"], { stdio: "ignore" });
const healthy = () => spawn(process.execPath, ["-e", "setInterval(() => undefined, 1000)"], { stdio: "ignore" });

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

describe("supervise", () => {
  it("restarts a child that exits and gives up on a crash loop, with the child's exit code", async () => {
    const lines: string[] = [];
    const gaveUp = deferred<number>();
    let starts = 0;
    const supervised = supervise({
      name: "worker",
      start: () => {
        starts += 1;
        return crashing();
      },
      log: (line) => lines.push(line),
      onGiveUp: gaveUp.resolve,
      maxRestarts: 2,
      windowMs: 60_000,
      backoffMs: () => 10,
    });
    expect(await gaveUp.promise).toBe(3);
    expect(starts).toBe(3);
    expect(supervised.restarts()).toBe(2);
    expect(lines[0]).toContain("worker exited (3); restarting");
    expect(lines.at(-1)).toContain("after 2 restarts within 60 s; giving up");
    await supervised.stop();
  });

  it("keeps a restarted child running and stops it on request", async () => {
    let starts = 0;
    const running = deferred<void>();
    const children: ReturnType<typeof spawn>[] = [];
    const supervised = supervise({
      name: "web",
      start: () => {
        starts += 1;
        const child = starts === 1 ? crashing() : healthy();
        children.push(child);
        if (starts === 2) child.once("spawn", () => running.resolve());
        return child;
      },
      log: () => undefined,
      onGiveUp: () => expect.unreachable("one crash is not a crash loop"),
      backoffMs: () => 10,
    });
    await running.promise;
    expect(supervised.restarts()).toBe(1);
    await supervised.stop();
    expect(children[1]?.signalCode).toBe("SIGTERM");
    expect(starts).toBe(2);
  });

  it("forgets crashes older than the window", async () => {
    let starts = 0;
    const done = deferred<void>();
    const supervised = supervise({
      name: "worker",
      start: () => {
        starts += 1;
        if (starts === 4) {
          const child = healthy();
          child.once("spawn", () => done.resolve());
          return child;
        }
        return crashing();
      },
      log: () => undefined,
      onGiveUp: () => expect.unreachable("each crash is alone in its window"),
      maxRestarts: 1,
      windowMs: 1,
      // Each restart waits past the window, so the previous crash no longer counts.
      backoffMs: () => 20,
    });
    await done.promise;
    expect(supervised.restarts()).toBe(3);
    await supervised.stop();
  });

  it("cancels a pending restart when stopped during the back-off", async () => {
    let starts = 0;
    const exited = deferred<void>();
    const supervised = supervise({
      name: "worker",
      start: () => {
        starts += 1;
        const child = crashing();
        child.once("exit", () => setImmediate(() => exited.resolve()));
        return child;
      },
      log: () => undefined,
      onGiveUp: () => expect.unreachable("stopped before any restart"),
      backoffMs: () => 200,
    });
    await exited.promise;
    await supervised.stop();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(starts).toBe(1);
  });
});
