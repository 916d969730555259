import { resolveDockerEndpoint, type DockerEndpoint } from "../../docker/endpoint.ts";
import { authLoginArgs } from "../../encore/commands.ts";
import type { Environment } from "../../env/environment.ts";
import type { CommandSpec } from "../../process/spawn.ts";
import type { SecretCall } from "../../secrets/plan.ts";
import type { Plan, PlanStep } from "../types.ts";
import type { PreparedBuild } from "./build.ts";
import type { PreparedDev } from "./dev.ts";
import type { PreparedTest } from "./test.ts";
import type { AuthKey } from "./login.ts";

// The steps dev and build execute, in order. `dev`/`buildDocker` run exactly these, and
// `plan` renders exactly these: one code path, so a plan cannot drift from what runs.

export type Step =
  | { kind: "check-docker"; endpoint: DockerEndpoint }
  | { kind: "version"; spec: CommandSpec }
  | { kind: "login"; key: AuthKey; spec: CommandSpec }
  | { kind: "secrets"; calls: readonly SecretCall[]; base: Omit<CommandSpec, "args">; concurrency: number; skipUnchanged: boolean }
  | { kind: "local-secrets"; file: string; names: readonly string[] }
  | { kind: "run"; spec: CommandSpec }
  | { kind: "build"; spec: CommandSpec; imageRef: string }
  | { kind: "test"; spec: CommandSpec };

function loginStep(key: AuthKey | undefined, base: Omit<CommandSpec, "args">): Step[] {
  return key ? [{ kind: "login", key, spec: { ...base, args: authLoginArgs(key.value) } }] : [];
}

export function devSteps(prepared: PreparedDev): Step[] {
  const { settings } = prepared;
  const secrets: Step[] =
    settings.secrets.mode === "local"
      ? [{ kind: "local-secrets", file: prepared.localSecretsFile, names: prepared.secrets.calls.map((call) => call.name) }]
      : prepared.secrets.calls.length > 0
        ? [{ kind: "secrets", calls: prepared.secrets.calls, base: prepared.base, concurrency: settings.secrets.concurrency, skipUnchanged: settings.secrets.skipUnchanged }]
        : [];
  return [{ kind: "version", spec: prepared.version }, ...loginStep(prepared.authKey, prepared.base), ...secrets, { kind: "run", spec: prepared.run }];
}

/**
 * dev's preparation, then `encore test`. Secrets are prepared in local mode only (Encore's
 * local store, which `encore test` reads); in cloud mode the tests read what Encore Cloud
 * holds, and a CI test run does not write to it.
 */
export function testSteps(prepared: PreparedTest): Step[] {
  const secrets: Step[] =
    prepared.settings.secrets.mode === "local" ? [{ kind: "local-secrets", file: prepared.localSecretsFile, names: prepared.secretNames }] : [];
  return [{ kind: "version", spec: prepared.version }, ...loginStep(prepared.authKey, prepared.base), ...secrets, { kind: "test", spec: prepared.test }];
}

export function buildSteps(prepared: PreparedBuild): Step[] {
  const { build } = prepared;
  // Pushing goes straight to the registry; only loading needs a local engine.
  const docker: Step[] = prepared.settings.flags.push ? [] : [{ kind: "check-docker", endpoint: resolveDockerEndpoint(build.env) }];
  return [...docker, { kind: "version", spec: prepared.version }, ...loginStep(prepared.authKey, build), { kind: "build", spec: build, imageRef: prepared.imageRef }];
}

/** What a person or a machine reads: argv, cwd, where stdin comes from; never a value. */
export function renderPlan(
  operation: Plan["operation"],
  steps: readonly Step[],
  env: Environment,
  withheld: readonly string[],
  warnings: readonly string[],
  redact: (text: string) => string,
): Plan {
  const command = (title: string, spec: CommandSpec, extra: Partial<PlanStep> = {}): PlanStep => ({
    title,
    argv: ["encore", ...spec.args].map(redact),
    cwd: spec.cwd,
    ...extra,
  });
  const rendered: PlanStep[] = steps.flatMap((step): PlanStep[] => {
    switch (step.kind) {
      case "check-docker":
        return [{ title: `check the Docker engine at ${step.endpoint.text}` }];
      case "version":
        return [command("read the encore version (in the background; it only warns)", step.spec)];
      case "login":
        return [command(`log in to Encore with ${step.key.variable}`, step.spec)];
      case "secrets":
        return step.calls.map((call) =>
          command(`set secret ${call.name}`, { ...step.base, args: call.args }, { stdin: `the value of ${call.name}` }),
        );
      case "local-secrets":
        return [{ title: `write ${step.names.length} secret(s) to Encore's local store`, writes: step.file, secrets: [...step.names] }];
      case "run":
        return [command("run the dev server", step.spec)];
      case "build":
        return [command(`build ${step.imageRef}`, step.spec)];
      case "test":
        return [command("run the tests (stdin, stdout and stderr are the tests' own)", step.spec)];
    }
  });
  return {
    provider: "encore-ts",
    operation,
    steps: rendered.map((step, index) => ({ ...step, n: index + 1 })),
    env: [...env].filter(([key]) => !withheld.includes(key)).map(([key, entry]) => ({ key, source: entry.source })),
    withheld: [...withheld],
    warnings: warnings.map(redact),
  };
}
