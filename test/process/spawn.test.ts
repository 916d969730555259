import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { describe, test } from "node:test";
import { runCommand, startProcess, type CommandSpec } from "../../src/process/spawn.ts";
import { deferred } from "../support/cleanup.ts";

/** `node -e <script>` with only PATH in its environment. */
const node = (script: string, env: Record<string, string> = {}): CommandSpec => ({
  file: process.execPath,
  args: ["-e", script],
  cwd: process.cwd(),
  env: { PATH: process.env.PATH ?? "", ...env },
});

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
    const exit = await runCommand(node("console.log('a\\nb'); console.error('e'); console.log('c'); process.exitCode = 3"), {
      onLine: (stream, line) => lines.push(`${stream}:${line}`),
    });
    assert.deepEqual(exit, { exitCode: 3, signal: undefined });
    assert.deepEqual(lines.filter((line) => line.startsWith("stdout:")), ["stdout:a", "stdout:b", "stdout:c"]);
    assert.deepEqual(lines.filter((line) => line.startsWith("stderr:")), ["stderr:e"]);
  });

  test("writes input to stdin and closes it; without input stdin is empty", async () => {
    const read = "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.stringify(s)))";
    const lines: string[] = [];
    await runCommand(node(read), { input: "secret\nvalue", onLine: (_, line) => lines.push(line) });
    await runCommand(node(read), { onLine: (_, line) => lines.push(line) });
    assert.deepEqual(lines, ['"secret\\nvalue"', '""']);
  });

  test("passes exactly the given environment, nothing of the runner's", async () => {
    const lines: string[] = [];
    await runCommand(node("console.log(Object.keys(process.env).sort().join(','))", { ONLY: "1" }), { onLine: (_, line) => lines.push(line) });
    assert.deepEqual(lines, ["ONLY,PATH"]);
  });

  test("a command that cannot start exits 127 (missing) or 126 (not executable), as from a shell", async () => {
    assert.deepEqual(await runCommand({ file: "/nonexistent/encore", args: [], cwd: process.cwd(), env: {} }), {
      exitCode: 127,
      signal: undefined,
      spawnError: "ENOENT",
    });
    const dir = mkdtempSync(join(tmpdir(), "stagecraft-spawn-"));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "encore"), "#!/bin/sh\n", { mode: 0o644 });
    const notExecutable = await runCommand({ file: join(dir, "encore"), args: [], cwd: process.cwd(), env: {} });
    assert.equal(notExecutable.exitCode, 126);
    assert.equal(notExecutable.spawnError, "EACCES");
  });

  test("cancelling sends SIGTERM, then SIGKILL to a child that ignores it", async () => {
    const controller = new AbortController();
    const started: string[] = [];
    const run = runCommand(node("process.on('SIGTERM',()=>{}); console.log('ready'); setInterval(()=>{},1000)"), {
      signal: controller.signal,
      onLine: (_, line) => {
        started.push(line);
        controller.abort();
      },
    });
    const exit = await run;
    assert.deepEqual(started, ["ready"]);
    assert.deepEqual(exit, { exitCode: undefined, signal: "SIGKILL" });
  });
});

describe("startProcess", () => {
  const defer = deferred();

  test("kill reaches the child, and exited says how it ended", async () => {
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    const child = startProcess(node("console.log('ready'); setInterval(()=>{},1000)"), () => ready());
    defer(() => child.kill("SIGKILL"));
    await isReady;
    child.kill("SIGINT");
    assert.deepEqual(await child.exited, { exitCode: undefined, signal: "SIGINT" });
  });

  test("no child outlives the runner: children still running get SIGTERM when it exits", async () => {
    // A runner that starts a long-lived child, prints its pid and exits without stopping it.
    const script = [
      `import { startProcess } from ${JSON.stringify(new URL("../../src/process/spawn.ts", import.meta.url).pathname)};`,
      `const child = startProcess({ file: process.execPath, args: ["-e", "setInterval(()=>{},1000)"], cwd: process.cwd(), env: {} }, () => {});`,
      `console.log(child.pid); setTimeout(() => process.exit(0), 200);`,
    ].join("\n");
    const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
    const pid = Number(result.stdout.trim());
    assert.ok(pid > 0, result.stderr);
    defer(() => alive(pid) && process.kill(pid, "SIGKILL"));
    const deadline = Date.now() + 5000;
    while (alive(pid) && Date.now() < deadline) await delay(50);
    assert.equal(alive(pid), false, `child ${pid} outlived the runner`);
  });
});
