import { basename } from "node:path";
import type { DockerEndpoint } from "../../docker/endpoint.ts";
import { authLoginArgs } from "../../encore/commands.ts";
import type { ListenAddress } from "../../encore/listen.ts";
import type { Environment } from "../../env/environment.ts";
import type { CommandSpec } from "../../process/spawn.ts";
import type { RegistryLogin } from "../../registry/login.ts";
import type { SecretCall } from "../../secrets/plan.ts";
import type { Plan, PlanStep } from "../types.ts";
import type { AuthKey } from "../../encore/auth.ts";
import { installTitle, type InstallStep } from "./install.ts";
import type { SdkCheckStep } from "./sdk-check.ts";

// The steps dev and build execute, in order. `dev`/`buildDocker` run exactly these, and
// `plan` renders exactly these: one code path, so a plan cannot drift from what runs. Each
// step carries the data it runs with; dev.ts, build.ts and test.ts list them
// (devSteps, buildSteps, testSteps).

export type Step =
  | { kind: "check-docker"; endpoint: DockerEndpoint }
  | { kind: "version"; spec: CommandSpec }
  | InstallStep
  | SdkCheckStep
  | { kind: "login"; key: AuthKey; spec: CommandSpec }
  | {
      kind: "secrets";
      calls: readonly SecretCall[];
      /** Where the values are read at run time; a plan never renders them. */
      env: Environment;
      base: Omit<CommandSpec, "args">;
      concurrency: number;
      /** Where the sync state lives when unchanged secrets are skipped. */
      stateHome: string | undefined;
    }
  | {
      kind: "local-secrets";
      file: string;
      appDir: string;
      names: readonly string[];
      env: Environment;
      childEnv: CommandSpec["env"];
    }
  | { kind: "run"; spec: CommandSpec; listen: ListenAddress; readinessTimeoutMs: number; shutdownTimeoutMs: number }
  | { kind: "registry-login"; login: RegistryLogin; dir: string }
  | { kind: "build"; spec: CommandSpec; imageRef: string; push: boolean; arch: string | undefined }
  | { kind: "test"; spec: CommandSpec; shutdownTimeoutMs: number };

export function loginStep(key: AuthKey | undefined, base: Omit<CommandSpec, "args">): Step[] {
  return key ? [{ kind: "login", key, spec: { ...base, args: authLoginArgs(key.value) } }] : [];
}

/**
 * The install (or why it is skipped), then the check of the SDK it left in node_modules.
 * Turned off, the runner leaves packages alone altogether: no check either.
 */
export function packageSteps(install: InstallStep, encore: string): Step[] {
  if (install.inspection.decision.reason === "turned off") return [install];
  return [install, { kind: "check-sdk", appRoot: install.appRoot, manager: install.inspection.choice.name, encore }];
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
      case "install":
        return [
          step.spec
            ? {
                title: installTitle(step),
                argv: [basename(step.spec.file), ...step.spec.args].map(redact),
                cwd: step.spec.cwd,
              }
            : { title: installTitle(step) },
        ];
      case "check-sdk":
        return [
          { title: "compare the installed encore.dev with the encore CLI's version (newer in major or minor: stop)" },
        ];
      case "login":
        return [command(`log in to Encore with ${step.key.variable}`, step.spec)];
      case "secrets":
        return step.calls.map((call) =>
          command(`set secret ${call.name}`, { ...step.base, args: call.args }, { stdin: `the value of ${call.name}` }),
        );
      case "local-secrets":
        return [
          {
            title: `write ${step.names.length} secret(s) to Encore's local store`,
            writes: step.file,
            secrets: [...step.names],
          },
        ];
      case "run":
        return [command("run the dev server", step.spec)];
      case "registry-login":
        return [
          {
            title: `write registry credentials for ${step.login.host} (from STAGECRAFT_REGISTRY_USERNAME/_PASSWORD) to a temporary Docker config, removed after the build`,
            writes: `${step.dir}/config.json`,
          },
        ];
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
