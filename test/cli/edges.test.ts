import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, test } from "node:test";
import { CLI, runCli } from "../support/cli.ts";
import { ROOT } from "../support/project.ts";

const TSX = import.meta.resolve("tsx");

describe("the CLI at its edges", () => {
  test("--log-format json: a usage error is one JSON record too", async () => {
    const finished = await runCli(["--log-format", "json", "dev", "--no-such-flag"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH },
    });
    assert.equal(finished.code, 2);
    const record = JSON.parse(finished.stderr.trim()) as Record<string, unknown>;
    assert.equal(record.category, "USAGE");
    assert.match(String(record.message), /no-such-flag/);
  });

  for (const args of [["version"], ["help"]]) {
    test(`${args.join(" ")} into a reader that went away: no stack trace, exit 0`, async () => {
      const child = spawn(process.execPath, ["--import", TSX, CLI, ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout.destroy(); // the reader is gone before the first byte: the write meets EPIPE
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      const [code] = await once(child, "close");
      assert.equal(stderr, "");
      assert.equal(code, 0);
    });
  }
});
