// Registry credentials from the environment, for runners that cannot mount a Docker config
// (Kubernetes pods, rootless CI). Encore pushes with go-containerregistry's DefaultKeychain,
// which reads `$DOCKER_CONFIG/config.json` (else `~/.docker/config.json`), so the runner
// turns the variables into such a file (docs/encore-cli.md §Registry push).
// Pure: deciding what to write; src/registry/docker-config.ts writes it.
import { Buffer } from "node:buffer";

export const REGISTRY_VARIABLES = {
  host: "STAGECRAFT_REGISTRY",
  username: "STAGECRAFT_REGISTRY_USERNAME",
  password: "STAGECRAFT_REGISTRY_PASSWORD",
} as const;

/** Docker Hub's key in a Docker config, fixed for historical reasons. */
export const DOCKER_HUB_AUTH_KEY = "https://index.docker.io/v1/";

export interface RegistryLogin {
  /** The key under `auths`: `host[:port]`, or Docker Hub's URL. */
  host: string;
  username: string;
  password: string;
}

type LoginLookup =
  { ok: true; login: RegistryLogin | undefined } | { ok: false; variable: string; message: string; fix: string };

/**
 * The registry part of an image reference, as Docker reads it: the first path component
 * when it has a `.` or a `:` or is `localhost`; otherwise Docker Hub.
 */
export function registryHostOf(imageRef: string): string {
  const slash = imageRef.indexOf("/");
  const first = slash > 0 ? imageRef.slice(0, slash) : "";
  if (first && (/[.:]/.test(first) || first === "localhost"))
    return first === "docker.io" || first === "index.docker.io" ? DOCKER_HUB_AUTH_KEY : first;
  return DOCKER_HUB_AUTH_KEY;
}

/** The login the variables describe, for the registry of `imageRef` unless STAGECRAFT_REGISTRY names another. */
export function findRegistryLogin(env: Readonly<Record<string, string | undefined>>, imageRef: string): LoginLookup {
  const username = env[REGISTRY_VARIABLES.username] ?? "";
  const password = env[REGISTRY_VARIABLES.password] ?? "";
  const hostVar = env[REGISTRY_VARIABLES.host] ?? "";
  if (!username && !password) {
    if (!hostVar) return { ok: true, login: undefined };
    return {
      ok: false,
      variable: REGISTRY_VARIABLES.username,
      message: `${REGISTRY_VARIABLES.host} is set but ${REGISTRY_VARIABLES.username} and ${REGISTRY_VARIABLES.password} are not`,
      fix: `set both, or unset ${REGISTRY_VARIABLES.host} to use a mounted ~/.docker/config.json`,
    };
  }
  const missing = !username ? REGISTRY_VARIABLES.username : !password ? REGISTRY_VARIABLES.password : undefined;
  if (missing) {
    return {
      ok: false,
      variable: missing,
      message: `${missing} is empty or unset while the other registry variable is set`,
      fix: `set both ${REGISTRY_VARIABLES.username} and ${REGISTRY_VARIABLES.password}`,
    };
  }
  if (username.includes(":")) {
    return {
      ok: false,
      variable: REGISTRY_VARIABLES.username,
      message: `${REGISTRY_VARIABLES.username} contains ":", which basic auth cannot carry in a user name`,
      fix: "use the registry's user name or token name without a colon",
    };
  }
  const host = hostVar ? normaliseHost(hostVar) : registryHostOf(imageRef);
  if (!host) {
    return {
      ok: false,
      variable: REGISTRY_VARIABLES.host,
      message: `${REGISTRY_VARIABLES.host} is not a registry host`,
      fix: "give a host with an optional port, e.g. ghcr.io or registry.example.com:5000",
    };
  }
  return { ok: true, login: { host, username, password } };
}

/** `https://ghcr.io/v2/` → `ghcr.io`, as Docker's config lookup reduces keys; Docker Hub keeps its URL. */
function normaliseHost(value: string): string | undefined {
  const host =
    value
      .trim()
      .replace(/^https?:\/\//, "")
      .split("/")[0] ?? "";
  if (!/^[A-Za-z0-9.-]+(?::\d+)?$|^\[[0-9A-Fa-f:.]+\](?::\d+)?$/.test(host)) return undefined;
  return host === "docker.io" || host === "index.docker.io" || host === "registry-1.docker.io"
    ? DOCKER_HUB_AUTH_KEY
    : host;
}

/**
 * A Docker config with the login added to what the user's own config already holds (so other
 * registries keep their credentials). A credential store or helper for the same registry would
 * win over `auths` in Docker's lookup, so those are dropped from the copy.
 */
export function dockerConfigWithLogin(existing: unknown, login: RegistryLogin): Record<string, unknown> {
  const base: Record<string, unknown> = isObject(existing) ? { ...existing } : {};
  const auths = isObject(base["auths"]) ? { ...base["auths"] } : {};
  auths[login.host] = { auth: Buffer.from(`${login.username}:${login.password}`, "utf8").toString("base64") };
  base["auths"] = auths;
  delete base["credsStore"];
  if (isObject(base["credHelpers"])) {
    const helpers = { ...base["credHelpers"] };
    delete helpers[login.host];
    base["credHelpers"] = helpers;
  }
  return base;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
