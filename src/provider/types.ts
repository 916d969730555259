import type { Logger } from "../logging/logger.ts";

/** The provider-scoped config as core hands it over: unvalidated, the provider parses it (spec §2.2). */
export interface ProviderConfig {
  /** `backend.providers.<id>` */
  block: unknown;
  /** `project.registry`, read for builds. */
  registry?: unknown;
  /** The file it came from, for messages. */
  source?: string;
}

export interface DevOptions {
  /** Base environment from core: the process environment (spec §2.2, opts.Env). */
  env: Readonly<Record<string, string | undefined>>;
  /** Requested listen address; overrides `dev.listen` (spec §4.4). */
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
}

export interface BuiltImage {
  imageRef: string;
  pushed: boolean;
  durationMs: number;
}

/** spec §2.1 */
export interface BackendProvider {
  readonly id: string;
  /** Resolves when the dev server was stopped on request; rejects with a ProviderError otherwise. */
  dev(opts: DevOptions, signal: AbortSignal): Promise<void>;
  /** Resolves to the exact image reference built (spec §5.2). */
  buildDocker(opts: BuildDockerOptions, signal: AbortSignal): Promise<string>;
}
