import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { describe, test } from "node:test";
import { runCommand, startProcess, stopRequest, type CommandSpec, type StopRequest } from "../../src/process/spawn.ts";
import { deferred } from "../support/cleanup.ts";

const cleanup = deferred();
const ENV = { PATH: process.env.PATH ?? "/usr/bin:/bin" };

/** `node -e <script>` with only PATH in its environment. */
const node = (script: string, env: Record<string, string> = {}): CommandSpec => ({
  file: process.execPath,
  args: ["-e", script],
  cwd: process.cwd(),
  env: { PATH: process.env.PATH ?? "", ...env },
});

/** A stop request nobody makes. */
const never = (): StopRequest => stopRequest([new AbortController().signal]);

/** Running, and not a zombie waiting for its new parent to reap it. */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
};

describe("runCommand", () => {
  const defer = deferred();

  test("relays each line of stdout and stderr in order within each stream, and never rejects for an exit code", async () => {
    const lines: string[] = [];
    const exit = await runCommand(
      node("console.log('a\\nb'); console.error('e'); console.log('c'); process.exitCode = 3"),
      {
        stop: never(),
        onLine: (stream, line) => lines.push(`${stream}:${line}`),
      },
    );
    assert.deepEqual(exit, { exitCode: 3, signal: undefined, stopped: false, forced: false });
    assert.deepEqual(
      lines.filter((line) => line.startsWith("stdout:")),
      ["stdout:a", "stdout:b", "stdout:c"],
    );
    assert.deepEqual(
      lines.filter((line) => line.startsWith("stderr:")),
      ["stderr:e"],
    );
  });

  test("writes input to stdin and closes it; without input stdin is empty", async () => {
    const read = "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.stringify(s)))";
    const lines: string[] = [];
    await runCommand(node(read), { stop: never(), input: "secret\nvalue", onLine: (_, line) => lines.push(line) });
    await runCommand(node(read), { stop: never(), onLine: (_, line) => lines.push(line) });
    assert.deepEqual(lines, ['"secret\\nvalue"', '""']);
  });

  test("passes exactly the given environment, nothing of the runner's", async () => {
    const lines: string[] = [];
    await runCommand(node("console.log(Object.keys(process.env).sort().join(','))", { ONLY: "1" }), {
      stop: never(),
      onLine: (_, line) => lines.push(line),
    });
    assert.deepEqual(lines, ["ONLY,PATH"]);
  });

  test("a command that cannot start exits 127 (missing) or 126 (not executable), as from a shell", async () => {
    const missing = await runCommand(
      { file: "/nonexistent/encore", args: [], cwd: process.cwd(), env: {} },
      { stop: never() },
    );
    assert.deepEqual([missing.exitCode, missing.signal, missing.spawnError], [127, undefined, "ENOENT"]);
    const dir = mkdtempSync(join(tmpdir(), "stagecraft-spawn-"));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "encore"), "#!/bin/sh\n", { mode: 0o644 });
    const notExecutable = await runCommand(
      { file: join(dir, "encore"), args: [], cwd: process.cwd(), env: {} },
      { stop: never() },
    );
    assert.equal(notExecutable.exitCode, 126);
    assert.equal(notExecutable.spawnError, "EACCES");
  });

  test("cancelling sends SIGTERM, then SIGKILL to a child that ignores it", async () => {
    const controller = new AbortController();
    const started: string[] = [];
    const run = runCommand(node("process.on('SIGTERM',()=>{}); console.log('ready'); setInterval(()=>{},1000)"), {
      stop: stopRequest([controller.signal]),
      graceMs: 300,
      onLine: (_, line) => {
        started.push(line);
        controller.abort();
      },
    });
    const exit = await run;
    assert.deepEqual(started, ["ready"]);
    assert.deepEqual(exit, { exitCode: undefined, signal: "SIGKILL", stopped: true, forced: true });
  });
});

describe("startProcess", () => {
  const defer = deferred();

  test("no child outlives the runner: children still running get SIGTERM when it exits", async () => {
    // A runner that starts a long-lived child, prints its pid and exits without stopping it.
    const script = [
      `import { startProcess } from ${JSON.stringify(new URL("../../src/process/spawn.ts", import.meta.url).pathname)};`,
      `const child = startProcess({ file: process.execPath, args: ["-e", "setInterval(()=>{},1000)"], cwd: process.cwd(), env: {} }, { stop: { signal: new AbortController().signal, force: new AbortController().signal } });`,
      `console.log(child.pid); setTimeout(() => process.exit(0), 200);`,
    ].join("\n");
    const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
    });
    const pid = Number(result.stdout.trim());
    assert.ok(pid > 0, result.stderr);
    defer(() => alive(pid) && process.kill(pid, "SIGKILL"));
    const deadline = Date.now() + 5000;
    while (alive(pid) && Date.now() < deadline) await delay(50);
    assert.equal(alive(pid), false, `child ${pid} outlived the runner`);
  });
});

function stopControl(): StopRequest & { request(): void; forceNow(): void } {
  const stop = new AbortController();
  const force = new AbortController();
  return { signal: stop.signal, force: force.signal, request: () => stop.abort(), forceNow: () => force.abort() };
}

function sh(script: string) {
  return { file: "/bin/sh", args: ["-c", script], cwd: "/", env: ENV };
}

/** Lines of a child's stdout, and a promise for the first one matching. */
function lines() {
  const seen: string[] = [];
  const waiters: [RegExp, () => void][] = [];
  return {
    seen,
    onLine: (_stream: string, line: string) => {
      seen.push(line);
      for (const [pattern, resolve] of waiters) if (pattern.test(line)) resolve();
    },
    waitFor: (pattern: RegExp) =>
      new Promise<void>((resolve) =>
        seen.some((line) => pattern.test(line)) ? resolve() : waiters.push([pattern, resolve]),
      ),
  };
}

describe("spawn: one way to stop every child", () => {
  test("a stop request sends the stop signal to the child's whole group: grandchildren end too", async () => {
    const stop = stopControl();
    const out = lines();
    const child = startProcess(sh("sleep 300 & echo grandchild=$!; wait"), { stop, onLine: out.onLine });
    await out.waitFor(/grandchild=/);
    const grandchild = Number(out.seen[0]!.split("=")[1]);
    cleanup(() => alive(grandchild) && process.kill(grandchild, "SIGKILL"));
    stop.request();
    const exit = await child.exited;
    assert.deepEqual([exit.signal, exit.stopped, exit.forced], ["SIGTERM", true, false]);
    for (let i = 0; i < 40 && alive(grandchild); i++) await delay(25);
    assert.equal(alive(grandchild), false, "the grandchild in the group got the signal too");
  });

  test("a child that ignores its stop signal is killed after its grace period", async () => {
    const stop = stopControl();
    const out = lines();
    const child = startProcess(sh("trap '' TERM; echo ready; while :; do sleep 0.05; done"), {
      stop,
      onLine: out.onLine,
      graceMs: 300,
    });
    await out.waitFor(/ready/);
    const started = performance.now();
    stop.request();
    const exit = await child.exited;
    assert.deepEqual([exit.signal, exit.stopped, exit.forced], ["SIGKILL", true, true]);
    assert.ok(performance.now() - started < 3000);
  });

  test("a second stop request kills at once, whatever the grace period", async () => {
    const stop = stopControl();
    const out = lines();
    const child = startProcess(sh("trap '' INT; echo ready; while :; do sleep 0.05; done"), {
      stop,
      onLine: out.onLine,
      stopSignal: "SIGINT",
      graceMs: 60_000,
    });
    await out.waitFor(/ready/);
    const started = performance.now();
    stop.request();
    await delay(100);
    stop.forceNow();
    const exit = await child.exited;
    assert.deepEqual([exit.signal, exit.forced], ["SIGKILL", true]);
    assert.ok(performance.now() - started < 3000, "the 60 s grace was not waited out");
  });

  test("a process that left the group and holds the pipes does not keep the exit waiting", async () => {
    const stop = stopControl();
    const out = lines();
    const started = performance.now();
    const exit = await runCommand(sh("setsid sleep 30 & echo orphan=$!; echo done"), { stop, onLine: out.onLine });
    const orphan = Number(out.seen.find((line) => line.startsWith("orphan="))!.split("=")[1]);
    cleanup(() => alive(orphan) && process.kill(orphan, "SIGKILL"));
    assert.equal(exit.exitCode, 0);
    assert.deepEqual(
      out.seen.filter((line) => line === "done"),
      ["done"],
      "everything printed before the exit is relayed",
    );
    assert.ok(alive(orphan), "the orphan still holds the pipes");
    assert.ok(performance.now() - started < 3000, `took ${Math.round(performance.now() - started)} ms`);
  });

  test("while the log's reader is behind, nothing more is read: the child waits instead of memory growing", async () => {
    const stop = stopControl();
    let release: () => void = () => {};
    const behind = new Promise<void>((resolve) => (release = resolve));
    let count = 0;
    const child = startProcess(
      {
        file: process.execPath,
        args: ["-e", "const b=Buffer.alloc(65536,'y\\n');for(;;)require('fs').writeSync(1,b)"],
        cwd: "/",
        env: ENV,
      },
      {
        stop,
        onLine: () => count++,
        drained: () => behind,
      },
    );
    for (let i = 0; i < 100 && count === 0; i++) await delay(10);
    await delay(300);
    const first = count;
    await delay(300);
    assert.equal(count, first, "no line was read while the reader was behind");
    assert.ok(first < 200_000, `${first} lines read before the first wait`);
    release();
    stop.request();
    const exit = await child.exited;
    assert.equal(exit.stopped, true);
  });
});
