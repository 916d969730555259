import { stringify } from "yaml";
import { SERVICE, mountSource } from "./paths.ts";
import type { ProjectFacts } from "./scan.ts";

interface ComposeOptions {
  /** The toolbox image, pinned by tag. */
  image: string;
}

/** npm, Encore's CLI and daemon, and git behind a proxy; the runner adds the sidecars to NO_PROXY. */
const PROXY_VARIABLES = ["HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy"];

const HEADER = `# Local development with the stagecraft-encore toolbox (written by \`stagecraft-encore init\`).
#
#   docker compose -f compose.stagecraft.yml up stagecraft-dev     # API on :4000, dashboard on :9400
#   docker compose -f compose.stagecraft.yml run --rm stagecraft-dev doctor
#   STAGECRAFT_API_PORT=4100 STAGECRAFT_DASHBOARD_PORT=9500 docker compose -f compose.stagecraft.yml up stagecraft-dev
#
# Attach a debugger to localhost:9229 (STAGECRAFT_DEBUG_PORT moves it): the app's Node
# inspector, relayed by the runner.
#
# The app directory is the container's /workspace; node_modules and Encore's caches live in
# named volumes. With databases, the postgres service is Encore's database server
# (ENCORE_SQLDB_HOST): Encore's own \`docker run\` Postgres would be unreachable from inside a
# container (encore#2382).
`;

/** compose.stagecraft.yml: the stagecraft-dev service, and Postgres when the app has databases. */
export function renderCompose(facts: ProjectFacts, options: ComposeOptions): string {
  const databases = facts.databases.length > 0;
  const service: Record<string, unknown> = {
    image: options.image,
    command: ["dev"],
    // docker-init as PID 1; the image's tini runs below it as a subreaper.
    init: true,
    // Above the runner's graceful stop (8 s), so Encore stops before Docker's SIGKILL.
    stop_grace_period: "10s",
    ports: [
      "${STAGECRAFT_API_PORT:-4000}:4000",
      "${STAGECRAFT_DASHBOARD_PORT:-9400}:9400",
      // The app's Node inspector through the runner's relay, on the host's loopback only:
      // an inspector runs any code it is sent.
      "127.0.0.1:${STAGECRAFT_DEBUG_PORT:-9229}:9230",
    ],
    environment: {
      // Named without a value: each is passed from your shell only when set, as in
      // this repository's docker-compose.yml.
      ...Object.fromEntries(PROXY_VARIABLES.map((name) => [name, null])),
      // Cloud secrets of a linked app need a login; a key in your shell is one.
      ...(facts.appId ? { ENCORE_AUTH_KEY: null } : {}),
      ENCORE_DEVDASH_LISTEN_ADDR: "0.0.0.0:9400",
      STAGECRAFT_DEBUG_RELAY: "0.0.0.0:9230",
      ...(databases
        ? { ENCORE_SQLDB_HOST: "postgres:5432", ENCORE_SQLDB_USER: "postgres", ENCORE_SQLDB_PASSWORD: "postgres" }
        : {}),
    },
    volumes: [
      `${mountSource(facts)}:/workspace`,
      "encore-cache:/home/node/.cache/encore",
      "encore-config:/home/node/.config/encore",
      "node-modules:/workspace/node_modules",
      // npm's cache, pnpm's store, yarn's cache and corepack's copies of pnpm and yarn.
      "package-cache:/home/node/.cache/packages",
    ],
    healthcheck: {
      test: ["CMD", "node", "/opt/stagecraft-encore/docker/healthcheck.mjs"],
      interval: "5s",
      timeout: "5s",
      retries: 3,
      start_period: "300s",
    },
    ...(databases ? { depends_on: { postgres: { condition: "service_healthy" } } } : {}),
  };
  const services: Record<string, unknown> = { [SERVICE]: service };
  if (databases) {
    services.postgres = {
      image: "encoredotdev/postgres:18",
      environment: { POSTGRES_USER: "postgres", POSTGRES_PASSWORD: "postgres" },
      volumes: ["postgres-data:/var/lib/postgresql"],
      healthcheck: {
        test: ["CMD", "pg_isready", "--username", "postgres", "--host", "127.0.0.1"],
        interval: "2s",
        timeout: "5s",
        retries: 30,
      },
    };
  }
  const volumes: Record<string, unknown> = Object.fromEntries(
    ["encore-cache", "encore-config", "node-modules", ...(databases ? ["postgres-data"] : [])].map((name) => [
      name,
      null,
    ]),
  );
  // One name for every app on the machine, as in this repository's docker-compose.yml:
  // downloads are content-addressed, so apps share them.
  volumes["package-cache"] = { name: "${STAGECRAFT_PACKAGE_CACHE:-stagecraft-encore-package-cache}" };
  return `${HEADER}\n${stringify({ services, volumes }, { lineWidth: 0, nullStr: "" })}`;
}
