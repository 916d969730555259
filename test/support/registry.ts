// A real container registry for the push tests: the distribution registry (`registry:2`, a
// STAND-IN built from Debian's docker-registry package by test/stand-ins/build-services.sh)
// behind TLS with a CA made here, and basic auth from a bcrypt htpasswd file.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { docker, dockerOk, removeContainers, uniqueName, waitForLogLine } from "./docker.ts";

export const REGISTRY_IMAGE = "registry:2";

export interface TestCA {
  dir: string;
  /** The CA certificate (PEM) clients must trust. */
  caFile: string;
  certFile: string;
  keyFile: string;
  remove(): void;
}

/** A throwaway CA and a server certificate for `names` (DNS names; 127.0.0.1 is always added). */
export function makeTestCA(names: readonly string[]): TestCA {
  const dir = mkdtempSync(join(tmpdir(), "stagecraft-test-ca-"));
  chmodSync(dir, 0o755);
  const openssl = (...args: string[]) =>
    execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=stagecraft-encore test CA",
  );
  openssl("req", "-new", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", `/CN=${names[0]}`);
  writeFileSync(
    join(dir, "ext"),
    `subjectAltName=${[...names.map((n) => `DNS:${n}`), "IP:127.0.0.1"].join(",")}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
  );
  openssl(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    "ext",
    "-out",
    "server.pem",
  );
  // Read by the registry's own user inside its container.
  for (const file of ["ca.pem", "server.pem", "server.key"]) chmodSync(join(dir, file), 0o644);
  return {
    dir,
    caFile: join(dir, "ca.pem"),
    certFile: join(dir, "server.pem"),
    keyFile: join(dir, "server.key"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TestRegistry {
  /** The name containers on `network` reach it by, with the port: `registry.test:5000`. */
  host: string;
  /** The same registry from the host: `127.0.0.1:<port>`. */
  hostFromHost: string;
  ca: TestCA;
  username: string;
  password: string;
  container: string;
  stop(): Promise<void>;
}

/** Starts the registry on `network` under the alias registry.test, port 5000 published on loopback. */
export async function startRegistry(network: string): Promise<TestRegistry> {
  const alias = "registry.test";
  const ca = makeTestCA([alias, "localhost"]);
  const username = "ci-bot";
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  // bcrypt, which the registry's htpasswd auth requires; the stand-in carries htpasswd.
  const htpasswd = await dockerOk([
    "run",
    "--rm",
    "--entrypoint",
    "htpasswd",
    REGISTRY_IMAGE,
    "-Bbn",
    username,
    password,
  ]);
  mkdirSync(join(ca.dir, "auth"));
  writeFileSync(join(ca.dir, "auth", "htpasswd"), htpasswd.stdout, { mode: 0o644 });
  const container = uniqueName("stagecraft-registry").toLowerCase();
  await dockerOk([
    "run",
    "-d",
    "--name",
    container,
    "--network",
    network,
    "--network-alias",
    alias,
    "--publish",
    "127.0.0.1::5000",
    "--volume",
    `${ca.dir}:/certs:ro`,
    "--env",
    "REGISTRY_AUTH=htpasswd",
    "--env",
    "REGISTRY_AUTH_HTPASSWD_REALM=stagecraft-test",
    "--env",
    "REGISTRY_AUTH_HTPASSWD_PATH=/certs/auth/htpasswd",
    "--env",
    "REGISTRY_HTTP_TLS_CERTIFICATE=/certs/server.pem",
    "--env",
    "REGISTRY_HTTP_TLS_KEY=/certs/server.key",
    REGISTRY_IMAGE,
  ]);
  const stop = async () => {
    await removeContainers(container);
    ca.remove();
  };
  try {
    await waitForLogLine(container, /listening on \[::\]:5000, tls/, 30_000);
    const port = (await dockerOk(["port", container, "5000/tcp"])).stdout.trim().split("\n")[0]!.split(":").at(-1);
    return { host: `${alias}:5000`, hostFromHost: `127.0.0.1:${port}`, ca, username, password, container, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A user network for the registry and the toolbox; removed by the returned function. */
export async function createNetwork(prefix: string): Promise<{ name: string; remove(): Promise<void> }> {
  const name = uniqueName(prefix).toLowerCase();
  await dockerOk(["network", "create", name]);
  return { name, remove: async () => void (await docker(["network", "rm", name])) };
}
