import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { readStagecraftDocument, selectProvider } from "../../src/config/document.ts";
import { ProviderError } from "../../src/errors/index.ts";
import { tempProject, type TempProject } from "../support/project.ts";

let project: TempProject;
before(() => (project = tempProject()));
after(() => project.remove());

function configError(text: string | undefined, operation: "dev" | "build" = "dev"): ProviderError {
  const file = text === undefined ? project.path("missing.yml") : project.write(`c${Math.random()}.yml`, text);
  try {
    selectProvider(readStagecraftDocument(file, operation, project.dir), operation);
  } catch (error) {
    assert.ok(error instanceof ProviderError);
    assert.equal(error.category, "INVALID_CONFIG");
    assert.equal(error.operation, operation);
    return error;
  }
  assert.fail("expected INVALID_CONFIG");
}

describe("readStagecraftDocument", () => {
  test("reports a YAML syntax error as file:line:column", () => {
    const error = configError("backend:\n  provider: encore-ts\n  providers: [unclosed\n");
    assert.match(error.message, /^YAML syntax error at c[\d.]+\.yml:\d+:\d+: /);
  });

  test("refuses an alias bomb", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 8; i++)
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(", ")}]`,
      );
    const error = configError(`${bomb.join("\n")}\nbackend: {provider: encore-ts}\n`);
    assert.match(error.message, /alias/i);
  });

  test("refuses a key written twice", () => {
    assert.match(
      configError("backend:\n  provider: a\n  provider: encore-ts\n").message,
      /YAML syntax error at .*:3:\d+: Map keys must be unique/,
    );
  });

  test("says so when the file is missing, with the ways to point at it", () => {
    const error = configError(undefined);
    assert.match(error.message, /config file not found/);
    assert.match(error.fix ?? "", /--config PATH/);
  });

  test("refuses an empty file and a non-mapping", () => {
    assert.match(configError("").message, /is empty/);
    assert.match(configError("- a\n- b\n").message, /must be a YAML mapping/);
  });

  test("refuses a file over 1 MiB before parsing it", () => {
    assert.match(configError(`# ${"x".repeat(1024 * 1024 + 10)}\n`).message, /the limit is 1 MiB/);
  });
});

describe("selectProvider", () => {
  test("picks backend.provider and its block, and reads project.registry", () => {
    const file = project.write(
      "ok.yml",
      "project:\n  registry: ghcr.io/acme\nfrontend: {ignored: true}\nbackend:\n  provider: encore-ts\n  providers:\n    encore-ts:\n      dev: {listen: 'x'}\n    other: {}\n",
    );
    assert.deepEqual(selectProvider(readStagecraftDocument(file, "build", project.dir), "build"), {
      providerId: "encore-ts",
      block: { dev: { listen: "x" } },
      registry: "ghcr.io/acme",
    });
  });

  test("requires backend.provider", () => {
    const error = configError("backend:\n  providers: {}\n");
    assert.equal(error.issues[0]?.path, "backend.provider");
    assert.match(error.fix ?? "", /encore-ts/);
  });

  test("reports every shape problem at once", () => {
    const error = configError("project: [1]\nbackend:\n  provider: 3\n  providers: [x]\n", "build");
    assert.deepEqual(
      error.issues.map((issue) => issue.path),
      ["backend.provider", "backend.providers", "project"],
    );
  });
});
