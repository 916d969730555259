import { checkDockerAccess } from "../../docker/access.ts";
import { engineVersion } from "../../docker/api.ts";
import { resolveDockerEndpoint, type DockerEndpoint } from "../../docker/endpoint.ts";
import { findSqlDatabases } from "../../encore/sql-databases.ts";
import { pass, warn, type Check } from "../types.ts";

/** The engine `build` loads into and Encore starts databases with: reachable, permitted, which API. */
export const checkDocker: Check = async (ctx) => {
  const endpoint = resolveDockerEndpoint(ctx.env);
  const access = await checkDockerAccess(endpoint);
  if (!access.ok) {
    return [
      warn(
        "docker",
        `${endpoint.text}: ${access.message}`,
        `${access.fix} (needed by build, and by Encore's own databases)`,
      ),
    ];
  }
  try {
    const version = await engineVersion(endpoint);
    return [
      pass(
        "docker",
        `${endpoint.text}: Docker Engine ${version.version}, API ${version.apiVersion}, read/write access`,
      ),
    ];
  } catch (error) {
    return [
      warn(
        "docker",
        `${endpoint.text} is reachable but did not answer /version: ${(error as Error).message}`,
        "check DOCKER_HOST and the TLS client certificates",
      ),
    ];
  }
};

const TRAP = [
  "Encore starts Postgres with `docker run -p 5432` and then dials 127.0.0.1:<port>; in a container",
  "on a bridge network using another engine, 127.0.0.1 is the container's own loopback (encore#2382).",
  "Working setups: (1) an external Postgres via ENCORE_SQLDB_HOST (the compose default), or",
  "(2) the dind profile, where the toolbox shares the docker:dind sidecar's network namespace.",
];

/** The 127.0.0.1 database trap (encore#2382), before it bites. */
export const checkDatabases: Check = (ctx) => {
  const databases = ctx.appDir ? findSqlDatabases(ctx.appDir) : [];
  if (databases.length === 0)
    return [pass("databases", "no SQL databases declared; encore run needs no Docker for them")];
  const found = `SQL databases found (${databases.slice(0, 3).join(", ")}${databases.length > 3 ? ", …" : ""})`;
  if (ctx.env.ENCORE_SQLDB_HOST)
    return [pass("databases", `${found}; they use ENCORE_SQLDB_HOST=${ctx.env.ENCORE_SQLDB_HOST}`)];
  const endpoint = resolveDockerEndpoint(ctx.env);
  if (ctx.inContainer && !sharesEngineNetwork(endpoint, ctx.hostNetwork)) {
    return [
      warn(
        "databases",
        `${found}, ENCORE_SQLDB_HOST is unset, and Encore would start Postgres on an engine whose published ports are not on this container's loopback`,
        "set ENCORE_SQLDB_HOST (and _USER/_PASSWORD) to a Postgres, or use the dind profile",
        TRAP,
      ),
    ];
  }
  return [pass("databases", `${found}; Encore starts Postgres through ${endpoint.text}`)];
};

/** Published ports land on this network namespace's loopback when the engine's host is ours. */
function sharesEngineNetwork(endpoint: DockerEndpoint, hostNetwork: boolean): boolean {
  if (endpoint.kind === "tcp") return ["127.0.0.1", "localhost", "::1"].includes(endpoint.host);
  // A mounted host socket: only host networking shares the host's loopback.
  return hostNetwork;
}
