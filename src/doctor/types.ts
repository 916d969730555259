import type { DevSettings } from "../config/settings.ts";
import type { Issue } from "../errors/index.ts";

export type Status = "pass" | "warn" | "fail";

export interface CheckResult {
  id: string;
  status: Status;
  message: string;
  /** One line saying what to do; set for warn and fail. */
  fix?: string;
  /** Extra lines, e.g. every config problem. */
  details?: string[];
}

/** What the checks share, gathered once. Settings are absent when the config is invalid. */
export interface DoctorContext {
  projectDir: string;
  configPath: string;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  settings: DevSettings | undefined;
  /** Config problems, for the config check (every one listed). */
  configIssues: readonly Issue[];
  configError: string | undefined;
  /** The encore executable, when found. */
  encorePath: string | undefined;
  /** The Encore app directory, when found. */
  appDir: string | undefined;
  /** Inside a container (/.dockerenv). */
  inContainer: boolean;
  /** This network namespace is the engine host's: a container on host networking sees docker0. */
  hostNetwork: boolean;
}

export type Check = (ctx: DoctorContext) => Promise<CheckResult[]> | CheckResult[];

export const pass = (id: string, message: string, details?: string[]): CheckResult => ({
  id,
  status: "pass",
  message,
  ...(details ? { details } : {}),
});
export const warn = (id: string, message: string, fix: string, details?: string[]): CheckResult => ({
  id,
  status: "warn",
  message,
  fix,
  ...(details ? { details } : {}),
});
export const fail = (id: string, message: string, fix: string, details?: string[]): CheckResult => ({
  id,
  status: "fail",
  message,
  fix,
  ...(details ? { details } : {}),
});
