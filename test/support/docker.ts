// The Docker engine for the container tests: a check that fails loudly (these tests never
// skip), the docker CLI through execa, compose projects, and testcontainers loaded with
// Ryuk off (Ryuk is an image it would pull, and no registry is reachable here; the tests
// clean up in their `after` hooks instead).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { chmodSync, chownSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { createInterface } from "node:readline";
import { execa } from "execa";
import { ROOT } from "./project.ts";

// Read by testcontainers when it is first imported, hence the dynamic import below.
process.env["TESTCONTAINERS_RYUK_DISABLED"] = "true";

export type Testcontainers = typeof import("testcontainers");
let testcontainersModule: Promise<Testcontainers> | undefined;
/** testcontainers, imported only after Ryuk was switched off. */
export function testcontainers(): Promise<Testcontainers> {
  return (testcontainersModule ??= import("testcontainers"));
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface DockerOptions {
  /** Added to this process's environment. */
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
}

/** `docker ARGS…`, never rejecting: stdout and stderr exactly as printed (no newline stripped). */
export async function docker(args: readonly string[], options: DockerOptions = {}): Promise<CommandResult> {
  const result = await execa("docker", args, {
    reject: false,
    stripFinalNewline: false,
    cwd: options.cwd ?? ROOT,
    env: options.env ?? {},
    stdin: "ignore",
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
  });
  if (result.timedOut)
    throw new Error(`docker ${args.join(" ")} did not finish within ${options.timeoutMs} ms\n${String(result.stderr)}`);
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** `docker ARGS…` that must succeed; the error carries the command and its output. */
export async function dockerOk(args: readonly string[], options: DockerOptions = {}): Promise<CommandResult> {
  const result = await docker(args, options);
  if (result.exitCode !== 0) {
    throw new Error(
      `docker ${args.join(" ")} exited with ${result.exitCode}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
  return result;
}

const HOW_TO_GET_DOCKER = `These tests need a Docker engine with the compose and buildx plugins, and they never skip.
  - On a bare Debian 12 machine (like CI): run \`bash .ci/provision\`; it installs the engine and the plugins,
    starts dockerd, builds the stand-in base images, and prints the Node 24 bin directory to put first on PATH.
  - Elsewhere: install Docker Engine with the compose and buildx plugins and start it; the stand-in images
    (node:24-bookworm-slim, encoredotdev/postgres:18, docker:dind) come from \`bash test/stand-ins/build.sh\`
    or, with registry access, from \`docker pull\`.
  - Without Docker: \`npm run test:unit\` runs the tests that need no engine.`;

let dockerChecked: Promise<void> | undefined;
/** Fails (never skips) with instructions when the engine or a plugin the tests use is missing. */
export function requireDocker(): Promise<void> {
  return (dockerChecked ??= checkDocker());
}

async function checkDocker(): Promise<void> {
  const problems: string[] = [];
  let engine: CommandResult;
  try {
    engine = await docker(["version", "--format", "{{.Server.Version}}"], { timeoutMs: 20_000 });
  } catch (error) {
    engine = { exitCode: -1, stdout: "", stderr: error instanceof Error ? error.message : String(error) };
  }
  if (engine.exitCode !== 0)
    problems.push(
      `the Docker engine does not answer: ${firstLine(engine.stderr) || `docker version exited with ${engine.exitCode}`}`,
    );
  for (const plugin of ["compose", "buildx"]) {
    const result = await docker([plugin, "version"]).catch(() => undefined);
    if (!result || result.exitCode !== 0) problems.push(`the docker ${plugin} plugin is missing`);
  }
  if (problems.length > 0)
    throw new Error(
      `Docker is not usable here:\n${problems.map((problem) => `  * ${problem}`).join("\n")}\n${HOW_TO_GET_DOCKER}`,
    );
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
}

/** The host engine's socket, for bind mounts into the toolbox. */
export function hostDockerSocket(): string {
  const host = process.env["DOCKER_HOST"];
  if (host && !host.startsWith("unix://"))
    throw new Error(`the container tests mount the engine's socket, but DOCKER_HOST=${host} is not a unix socket`);
  return host ? host.slice("unix://".length) : "/var/run/docker.sock";
}

/** A name no other test run uses: containers, compose projects, image tags. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * A compose project of this repository's docker-compose.yml plus override files, with a
 * unique name and one fixed set of variables, so every call sees the same configuration
 * (a changed variable would make compose recreate containers).
 */
export class ComposeProject {
  readonly name: string;
  readonly files: readonly string[];
  readonly profiles: readonly string[];
  readonly variables: Readonly<Record<string, string>>;

  constructor(options: {
    name: string;
    files: readonly string[];
    profiles?: readonly string[];
    variables: Record<string, string>;
  }) {
    this.name = options.name;
    this.files = options.files;
    this.profiles = options.profiles ?? [];
    this.variables = options.variables;
  }

  /** `docker compose -p NAME -f … --profile … ARGS…` in the repository root. */
  run(args: readonly string[], options: Omit<DockerOptions, "env" | "cwd"> = {}): Promise<CommandResult> {
    return docker(this.args(args), { ...options, env: { ...this.variables } });
  }

  async runOk(args: readonly string[], options: Omit<DockerOptions, "env" | "cwd"> = {}): Promise<CommandResult> {
    return dockerOk(this.args(args), { ...options, env: { ...this.variables } });
  }

  args(args: readonly string[]): string[] {
    return [
      "compose",
      "-p",
      this.name,
      ...this.files.flatMap((file) => ["-f", file]),
      ...this.profiles.flatMap((profile) => ["--profile", profile]),
      ...args,
    ];
  }

  /** `up --wait` through testcontainers, which also waits for each container's healthcheck. */
  async up(services: string[], startupTimeoutMs = 180_000): Promise<void> {
    const { DockerComposeEnvironment } = await testcontainers();
    await new DockerComposeEnvironment(ROOT, [...this.files])
      .withProjectName(this.name)
      .withEnvironment(this.variables)
      .withProfiles(...this.profiles)
      .withClientOptions({ commandOptions: ["--wait"] })
      .withStartupTimeout(startupTimeoutMs)
      .up(services);
  }

  /** The ID of the service's container (running or not). */
  async containerId(service: string): Promise<string> {
    const { stdout } = await this.runOk(["ps", "--all", "--quiet", service]);
    const id = stdout.trim();
    if (!id || id.includes("\n"))
      throw new Error(`expected one container for ${service} in ${this.name}, got ${JSON.stringify(id)}`);
    return id;
  }

  /** Containers, networks and volumes of the project, all removed; safe to call twice. */
  async down(): Promise<void> {
    await this.run(["down", "--volumes", "--remove-orphans", "--timeout", "0"]);
  }
}

export interface ContainerState {
  Status: string;
  Running: boolean;
  ExitCode: number;
  StartedAt: string;
  FinishedAt: string;
  Health?: { Status: string };
}

export async function containerState(id: string): Promise<ContainerState> {
  const { stdout } = await dockerOk(["inspect", "--format", "{{json .State}}", id]);
  return JSON.parse(stdout) as ContainerState;
}

export interface ContainerProcess {
  /** PID on the host (`docker top` reports host PIDs). */
  pid: number;
  uid: number;
  args: string;
}

/** The container's processes as `docker top` sees them. */
export async function containerProcesses(id: string): Promise<ContainerProcess[]> {
  const { stdout } = await dockerOk(["top", id, "-eo", "pid,uid,args"]);
  return stdout
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => {
      const match = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
      if (!match) throw new Error(`unexpected docker top line: ${line}`);
      return { pid: Number(match[1]), uid: Number(match[2]), args: match[3]! };
    });
}

/** Removes containers by ID or name, whatever their state; missing ones are fine. */
export async function removeContainers(...ids: string[]): Promise<void> {
  if (ids.length > 0) await docker(["rm", "--force", "--volumes", ...ids]);
}

/** Removes images by reference; missing ones are fine. */
export async function removeImages(...refs: string[]): Promise<void> {
  if (refs.length > 0) await docker(["image", "rm", "--force", ...refs]);
}

/** Whether the engine has an image under exactly this reference. */
export async function imageExists(ref: string): Promise<boolean> {
  const result = await docker(["image", "inspect", "--format", "{{json .RepoTags}}", ref]);
  return result.exitCode === 0 && (JSON.parse(result.stdout) as string[]).includes(ref);
}

/**
 * Resolves with the first line of the container's output (stdout or stderr, from its start)
 * that matches `pattern`; rejects when the container stops first or after `timeoutMs`.
 */
export function waitForLogLine(id: string, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const follower = spawn("docker", ["logs", "--follow", id], { stdio: ["ignore", "pipe", "pipe"] });
    let seen = "";
    let settled = false;
    const finish = (error: Error | undefined, line?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      follower.kill("SIGKILL");
      if (error) reject(error);
      else resolve(line!);
    };
    const timer = setTimeout(
      () =>
        finish(
          new Error(`no line matching ${pattern} from container ${id} within ${timeoutMs} ms; it printed:\n${seen}`),
        ),
      timeoutMs,
    );
    for (const stream of [follower.stdout, follower.stderr]) {
      createInterface({ input: stream }).on("line", (line) => {
        seen += `${line}\n`;
        if (pattern.test(line)) finish(undefined, line);
      });
    }
    follower.once("close", () =>
      finish(new Error(`container ${id} stopped before a line matched ${pattern}; it printed:\n${seen}`)),
    );
  });
}

/**
 * Copies an image from the host engine into the engine of a docker-in-docker container
 * (`docker save | docker exec -i … docker load`): the inner engine cannot pull either.
 */
export async function loadImageInto(containerId: string, ref: string): Promise<void> {
  const save = spawn("docker", ["save", ref], { stdio: ["ignore", "pipe", "pipe"] });
  const load = spawn("docker", ["exec", "-i", containerId, "docker", "load"], { stdio: ["pipe", "pipe", "pipe"] });
  save.stdout.pipe(load.stdin);
  let output = "";
  for (const stream of [save.stderr, load.stdout, load.stderr])
    stream.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const [[saved], [loaded]] = (await Promise.all([once(save, "close"), once(load, "close")])) as [
    [number | null],
    [number | null],
  ];
  if (saved !== 0 || loaded !== 0)
    throw new Error(
      `docker save ${ref} | docker exec -i ${containerId} docker load failed (${saved}, ${loaded}):\n${output}`,
    );
}

export interface SocketProxy {
  path: string;
  close(): Promise<void>;
}

/**
 * A unix socket at `path`, owned by root:`gid` with `mode`, that forwards every connection
 * to the engine's socket: an engine socket as a host with another docker group (or a
 * stricter mode) would mount it into the toolbox.
 */
export async function engineSocketProxy(path: string, options: { gid: number; mode: number }): Promise<SocketProxy> {
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(hostDockerSocket());
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
      socket.on("close", () => open.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(path, resolve));
  chownSync(path, 0, options.gid);
  chmodSync(path, options.mode);
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
