import { accessSync, constants, existsSync, statSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import type { DockerEndpoint } from "./endpoint.ts";

type Access =
  | { ok: true }
  | {
      ok: false;
      problem: "missing" | "not-a-socket" | "permission" | "unreachable" | "certs";
      message: string;
      fix: string;
    };

const MOUNT_FIX =
  "mount the engine's socket (-v /var/run/docker.sock:/var/run/docker.sock) or set DOCKER_HOST (e.g. tcp://docker:2376 with DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH)";

/** Whether this process can talk to the engine, checked before encore is called. */
export async function checkDockerAccess(endpoint: DockerEndpoint, timeoutMs = 3000): Promise<Access> {
  if (endpoint.kind === "unix") return checkSocket(endpoint.path);
  if (endpoint.kind === "tcp") {
    if (endpoint.tls) {
      const missing = ["ca.pem", "cert.pem", "key.pem"].filter(
        (file) => !endpoint.certPath || !existsSync(join(endpoint.certPath, file)),
      );
      if (missing.length > 0) {
        return {
          ok: false,
          problem: "certs",
          message: `DOCKER_TLS_VERIFY is set but ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} missing from ${endpoint.certPath ?? "DOCKER_CERT_PATH"}`,
          fix: "mount the client certificates and point DOCKER_CERT_PATH at them (docker:dind writes them to /certs/client)",
        };
      }
    }
    const reachable = await canConnect(endpoint.host, endpoint.port, timeoutMs);
    return reachable
      ? { ok: true }
      : {
          ok: false,
          problem: "unreachable",
          message: `nothing answers at ${endpoint.text}`,
          fix: "start the engine (e.g. the docker:dind service) or fix DOCKER_HOST",
        };
  }
  return { ok: true }; // ssh:// and friends: left to encore and the docker CLI
}

function checkSocket(path: string): Access {
  let isSocket: boolean;
  try {
    isSocket = statSync(path).isSocket();
  } catch {
    return { ok: false, problem: "missing", message: `no Docker socket at ${path}`, fix: MOUNT_FIX };
  }
  if (!isSocket) return { ok: false, problem: "not-a-socket", message: `${path} is not a socket`, fix: MOUNT_FIX };
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return { ok: true };
  } catch {
    const group = statSync(path).gid;
    return {
      ok: false,
      problem: "permission",
      message: `permission denied on ${path} (owned by group ${group}; this process runs as uid ${process.getuid?.() ?? "?"} with groups ${process.getgroups?.().join(",") ?? "?"})`,
      fix: "start the image's entrypoint as root so it can join the socket's group, or add the user to that group (docker run --group-add <gid>)",
    };
  }
}

function canConnect(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
