import { join } from "node:path";

// Which Docker engine `encore build docker` will load into: the daemon's DOCKER_HOST,
// else the default socket (docs/encore-cli.md §Image loading). Pure.

const DEFAULT_SOCKET = "/var/run/docker.sock";

export type DockerEndpoint =
  | { kind: "unix"; path: string; text: string }
  | { kind: "tcp"; host: string; port: number; tls: boolean; certPath: string | undefined; text: string }
  | { kind: "other"; text: string };

export function resolveDockerEndpoint(env: Readonly<Record<string, string | undefined>>): DockerEndpoint {
  const host = env.DOCKER_HOST;
  if (!host) return { kind: "unix", path: DEFAULT_SOCKET, text: `unix://${DEFAULT_SOCKET}` };
  if (host.startsWith("unix://")) return { kind: "unix", path: host.slice("unix://".length), text: host };
  const tcp = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):(\d+)\/?$/.exec(host);
  if (tcp) {
    const tls = Boolean(env.DOCKER_TLS_VERIFY) && env.DOCKER_TLS_VERIFY !== "0";
    const certPath = env.DOCKER_CERT_PATH || (env.HOME ? join(env.HOME, ".docker") : undefined);
    return {
      kind: "tcp",
      host: tcp[1]!.replace(/^\[|\]$/g, ""),
      port: Number(tcp[2]),
      tls,
      certPath: tls ? certPath : undefined,
      text: host,
    };
  }
  return { kind: "other", text: host };
}
