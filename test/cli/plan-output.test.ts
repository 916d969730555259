import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatPlan } from "../../src/cli/plan-output.ts";
import type { Plan } from "../../src/provider/types.ts";

const plan: Plan = {
  provider: "encore-ts",
  operation: "dev",
  steps: [
    { n: 1, title: "read the encore version", argv: ["encore", "version"], cwd: "/app" },
    {
      n: 2,
      title: "set secret STRIPE_KEY",
      argv: ["encore", "secret", "set", "--type", "dev,preview,local", "STRIPE_KEY"],
      cwd: "/app",
      stdin: "the value of STRIPE_KEY",
    },
    {
      n: 3,
      title: "write 1 secret(s) to Encore's local store",
      writes: "/app/.secrets.local.cue",
      secrets: ["STRIPE_KEY"],
    },
    {
      n: 4,
      title: "run the dev server",
      argv: ["encore", "run", "--listen", "[::1]:4000", "it's odd"],
      cwd: "/my app",
    },
  ],
  env: [
    { key: "DISABLE_ENCORE_TELEMETRY", source: "config" },
    { key: "GREETING", source: "env_file" },
    { key: "PATH", source: "process" },
    { key: "HOME", source: "process" },
  ],
  withheld: ["STRIPE_KEY"],
  warnings: ["secret OTHER is not set"],
};

describe("formatPlan", () => {
  test("numbered steps with argv, cwd, stdin and writes, then environment keys by source, withheld keys and warnings", () => {
    assert.equal(
      formatPlan(plan),
      [
        "Plan for `stagecraft-encore dev` (provider encore-ts); nothing was run.",
        "",
        " 1. read the encore version",
        "    $ encore version",
        "    cwd: /app",
        " 2. set secret STRIPE_KEY",
        "    $ encore secret set --type dev,preview,local STRIPE_KEY",
        "    cwd: /app   stdin: the value of STRIPE_KEY",
        " 3. write 1 secret(s) to Encore's local store",
        "    writes: /app/.secrets.local.cue",
        "    secrets: STRIPE_KEY",
        " 4. run the dev server",
        `    $ encore run --listen '[::1]:4000' 'it'"'"'s odd'`,
        "    cwd: /my app",
        "",
        "Environment of every encore call (keys only; values are never shown):",
        "  config    DISABLE_ENCORE_TELEMETRY",
        "  env_file  GREETING",
        "  process   PATH HOME",
        "  withheld  STRIPE_KEY (secrets: on stdin or Encore's local store only)",
        "",
        "Warnings:",
        "  - secret OTHER is not set",
        "",
      ].join("\n"),
    );
  });
});
