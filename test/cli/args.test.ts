import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseInvocation } from "../../src/cli/args.ts";
import { UsageError } from "../../src/errors/index.ts";

describe("parseInvocation", () => {
  test("reads dev's flags", () => {
    const inv = parseInvocation(["dev", "--config", "c.yml", "--project-dir", "p", "--listen", "0.0.0.0:5000"], {});
    assert.deepEqual(
      {
        command: inv.command,
        config: inv.config,
        projectDir: inv.projectDir,
        listen: inv.listen,
        logFormat: inv.logFormat,
        logLevel: inv.logLevel,
      },
      {
        command: "dev",
        config: "c.yml",
        projectDir: "p",
        listen: "0.0.0.0:5000",
        logFormat: "pretty",
        logLevel: "info",
      },
    );
  });

  test("global flags may come before the command, with their values", () => {
    const inv = parseInvocation(["--log-format", "json", "--log-level=debug", "build", "--tag", "abc"], {});
    assert.deepEqual([inv.command, inv.logFormat, inv.logLevel, inv.tag], ["build", "json", "debug", "abc"]);
  });

  test("flags win over their environment twins, which win over defaults", () => {
    assert.equal(parseInvocation(["dev"], { STAGECRAFT_LOG_FORMAT: "json" }).logFormat, "json");
    assert.equal(
      parseInvocation(["dev", "--log-format", "pretty"], { STAGECRAFT_LOG_FORMAT: "json" }).logFormat,
      "pretty",
    );
    assert.equal(parseInvocation(["dev"], { STAGECRAFT_LOG_LEVEL: "WARN" }).logLevel, "warn");
  });

  test("reads init's flags; they belong to init alone", () => {
    const inv = parseInvocation(
      ["init", "--force", "--dry-run", "--project-dir", "repo", "--image", "registry.example/se:1"],
      {},
    );
    assert.deepEqual(
      [inv.command, inv.force, inv.dryRun, inv.projectDir, inv.image],
      ["init", true, true, "repo", "registry.example/se:1"],
    );
    assert.deepEqual([parseInvocation(["init"], {}).force, parseInvocation(["init"], {}).dryRun], [false, false]);
    assert.throws(() => parseInvocation(["dev", "--force"], {}), /Unknown option '--force'/);
    assert.throws(() => parseInvocation(["init", "--config", "x.yml"], {}), /Unknown option '--config'/);
  });

  test("no command means help; --help works on every command", () => {
    assert.equal(parseInvocation([], {}).command, "help");
    assert.equal(parseInvocation(["build", "--help"], {}).help, true);
    assert.equal(parseInvocation(["help", "dev"], {}).topic, "dev");
  });

  const usage: [string[], RegExp][] = [
    [["deploy"], /unknown command "deploy"/],
    [["dev", "--tag", "x"], /Unknown option '--tag'/],
    [["build", "--listen", "x"], /Unknown option '--listen'/],
    [["dev", "extra"], /unexpected argument "extra" for dev/],
    [["dev", "--listen"], /--listen/],
    [["dev", "--log-format", "xml"], /--log-format must be one of pretty, json/],
    [["dev", "--log-level", "trace"], /--log-level must be one of error, warn, info, debug/],
  ];
  for (const [argv, message] of usage) {
    test(`rejects ${argv.join(" ")} as a usage error`, () => {
      assert.throws(
        () => parseInvocation(argv, {}),
        (error: unknown) => error instanceof UsageError && message.test(error.message),
      );
    });
  }
});

describe("test arguments", () => {
  test("everything after the first -- goes to the test runner unparsed, flags and a second -- included", () => {
    const inv = parseInvocation(
      ["--log-level", "warn", "test", "--project-dir", "p", "--", "--reporter=tap", "--", "-x", "file.test.ts"],
      {},
    );
    assert.deepEqual(
      [inv.command, inv.logLevel, inv.projectDir, inv.testArgs],
      ["test", "warn", "p", ["--reporter=tap", "--", "-x", "file.test.ts"]],
    );
    assert.deepEqual(parseInvocation(["test"], {}).testArgs, []);
    assert.deepEqual(parseInvocation(["plan", "test", "--json", "--", "-v"], {}).testArgs, ["-v"]);
  });

  test("test refuses loose arguments and unknown flags before --, and other commands refuse --", () => {
    assert.throws(
      () => parseInvocation(["test", "file.test.ts"], {}),
      (error: UsageError) =>
        /unexpected argument "file.test.ts" for test/.test(error.message) && /after --/.test(error.fix),
    );
    assert.throws(() => parseInvocation(["test", "--reporter=tap"], {}), /Unknown option '--reporter'/);
    assert.throws(() => parseInvocation(["dev", "--", "x"], {}), /arguments after -- are only taken by test/);
    assert.throws(() => parseInvocation(["plan", "dev", "--", "x"], {}), /arguments after -- are only taken by test/);
  });
});

describe("usage errors on the command line", () => {
  test("show control characters escaped, never raw", async () => {
    const { runCli } = await import("../support/cli.ts");
    const finished = await runCli(["dev", "--log-format", "x\u001b[2Jy"], {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH },
    });
    assert.equal(finished.code, 2);
    assert.match(finished.stderr, /--log-format must be one of pretty, json \(got "x\\u001b\[2Jy"\)/);
    assert.ok(!finished.stderr.includes("\u001b"));
  });
});
