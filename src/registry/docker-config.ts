// Writes the Docker config that carries a registry login from the environment: a private
// temporary directory (0700) with config.json (0600), never inside the project, removed
// after the build. Its path is decided before the first encore call because Encore's daemon
// reads DOCKER_CONFIG from the environment it started with.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { dockerConfigWithLogin, type RegistryLogin } from "./login.ts";

/** A fresh directory name under the system temp dir; created by writeDockerConfig. */
export function temporaryDockerConfigDir(): string {
  return join(tmpdir(), `stagecraft-encore-docker-${randomBytes(8).toString("hex")}`);
}

/** The user's own config (DOCKER_CONFIG, else ~/.docker), or undefined when there is none or it is not JSON. */
export function readUserDockerConfig(env: Readonly<Record<string, string | undefined>>): unknown {
  const dir = env["DOCKER_CONFIG"] || join(env["HOME"] || homedir(), ".docker");
  try {
    return JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
  } catch {
    return undefined;
  }
}

export function writeDockerConfig(dir: string, existing: unknown, login: RegistryLogin): string {
  mkdirSync(dir, { mode: 0o700 });
  const file = join(dir, "config.json");
  writeFileSync(file, `${JSON.stringify(dockerConfigWithLogin(existing, login), null, 2)}\n`, {
    mode: 0o600,
    flag: "wx",
  });
  return file;
}

export function removeDockerConfig(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
