import type { EnvSource } from "../env/environment.ts";
import type { Operation } from "../errors/index.ts";
import type { Logger } from "../logging/logger.ts";

/** The provider-scoped config as core hands it over: unvalidated, the provider parses it (docs/provider-contract.md §Options). */
export interface ProviderConfig {
  /** `backend.providers.<id>` */
  block: unknown;
  /** `project.registry`, read for builds. */
  registry?: unknown;
  /** The file it came from, for messages. */
  source?: string;
}

export interface DevOptions {
  /** Base environment from core: the process environment (docs/provider-contract.md §Options). */
  env: Readonly<Record<string, string | undefined>>;
  /** Requested listen address; overrides `dev.listen` (docs/provider-contract.md §Dev command). */
  listen?: string | undefined;
  /** The project root. */
  workDir: string;
  config: ProviderConfig;
  log: Logger;
  /** Aborted by a second stop signal: skip the grace period. */
  force?: AbortSignal | undefined;
}

export interface BuildDockerOptions {
  imageTag: string;
  workDir: string;
  config: ProviderConfig;
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
  /** `--push`: push to the registry instead of loading into the local engine. */
  push?: boolean | undefined;
  /** Told what was built, for machine-readable output. */
  onBuilt?: ((build: BuiltImage) => void) | undefined;
  /** Aborted by a second stop signal: skip the grace period. */
  force?: AbortSignal | undefined;
}

export interface TestOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** Arguments for the app's test runner, passed on after `encore test`. */
  args: readonly string[];
  workDir: string;
  config: ProviderConfig;
  log: Logger;
  /** Aborted by a second stop signal: skip the grace period. */
  force?: AbortSignal | undefined;
}

export interface BuiltImage {
  imageRef: string;
  pushed: boolean;
  durationMs: number;
}

/** One step of a dry run: what would run, where, and where its stdin comes from. Never a secret value. */
export interface PlanStep {
  n?: number;
  title: string;
  argv?: string[];
  cwd?: string;
  /** Where stdin comes from, e.g. "the value of STRIPE_KEY". */
  stdin?: string;
  /** A file the step writes. */
  writes?: string;
  secrets?: string[];
}

export interface Plan {
  provider: string;
  operation: Operation;
  steps: PlanStep[];
  /** Every environment key the encore calls get, with where it came from; values never. */
  env: { key: string; source: EnvSource }[];
  /** Keys kept out of the children's environment (secrets go on stdin). */
  withheld: string[];
  warnings: string[];
}

/** docs/provider-contract.md §Provider interface */
export interface BackendProvider {
  readonly id: string;
  /** Resolves when the dev server was stopped on request; rejects with a ProviderError otherwise. */
  dev(opts: DevOptions, signal: AbortSignal): Promise<void>;
  /** Resolves to the exact image reference built (docs/provider-contract.md §Image reference). */
  buildDocker(opts: BuildDockerOptions, signal: AbortSignal): Promise<string>;
  /**
   * Runs the app's tests with dev's preparation; resolves to the exit code of the test
   * command itself (not a category), or rejects with a ProviderError before the tests start.
   */
  test(opts: TestOptions, signal: AbortSignal): Promise<number>;
  /** The steps `dev` would take, without running any of them. */
  planDev(opts: DevOptions): Plan;
  /** The steps `buildDocker` would take, without running any of them. */
  planBuild(opts: BuildDockerOptions): Plan;
  /** The steps `test` would take, without running any of them. */
  planTest(opts: TestOptions): Plan;
}
