import { chownSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { docker } from "../lib/docker.ts";
import type { Snapshot } from "../lib/snapshot.ts";
import { createWorld, freePort, removeWorld, type WorldDescription, type WorldOptions } from "../lib/world.ts";
import { runTrial, type Subject, type TrialResult, type TrialSpec } from "./trial.ts";

// Where a lifecycle trial runs, and how the runner and the baseline are started there.
// Each platform offers its subjects; the section runs them in rotating order, round after round.

export interface TrialSubject {
  /** Key in the results, e.g. "runner-tsx". */
  id: string;
  subject: Subject;
  label: string;
  /** Said under each of its rows. */
  note?: string;
  /** Measured for context, not held to the goals (the tsx install: no user runs it). */
  context?: boolean;
  run(): Promise<TrialResult>;
}

export interface Platform {
  id: string;
  title: string;
  method: string;
  subjects: TrialSubject[];
  dispose(): Promise<void>;
}

const TIMEOUT_MS = 30_000;
/** The argv the runner gives `encore run` (src/encore/commands.ts runArgs), checked against the call log. */
export const RUN_ARGV = ["run", "--debug", "--verbose", "--watch", "--listen", "127.0.0.1:{port}", "--browser=never"];
const RUNNER_ARGS = ["dev", "--listen", "127.0.0.1:{port}"];

/** A trial in `world`: the runner gets SIGTERM (it sends encore SIGINT), the double SIGINT directly. */
function trialSpec(world: WorldDescription, subject: Subject, command: string[]): TrialSpec {
  return {
    subject,
    command,
    cwd: world.app,
    env: world.env,
    log: world.log,
    stopSignal: subject === "runner" ? "SIGTERM" : "SIGINT",
    timeoutMs: TIMEOUT_MS,
  };
}

/** On the host: the runner through tsx and through dist/, and the double started directly. One world (HOME, daemon) for all three. */
export async function hostPlatform(snapshot: Snapshot): Promise<Platform> {
  const world = await createWorld({ encoreBinDir: snapshot.doubleBin, nodeBinDir: dirname(process.execPath) });
  const spec = (subject: Subject, command: string[]) => trialSpec(world, subject, command);
  return {
    id: "host",
    title: "host",
    method: "Spawned by the bench on the host; one project and HOME (a warm encore daemon) shared by all subjects.",
    subjects: [
      {
        id: "direct",
        subject: "direct",
        label: "encore run (double) directly",
        run: () => runTrial(spec("direct", [join(snapshot.doubleBin, "encore"), ...RUN_ARGV])),
      },
      {
        id: "runner-tsx",
        subject: "runner",
        label: "stagecraft-encore dev (tsx)",
        note: "context, not a goal: tsx is what a clone runs after `npm ci` without `npm run build`; the package and the image ship the built dist/ (the dist rows)",
        context: true,
        run: () =>
          runTrial(
            spec("runner", [process.execPath, join(snapshot.dir, "bin", "stagecraft-encore.js"), ...RUNNER_ARGS]),
          ),
      },
      {
        id: "runner-dist",
        subject: "runner",
        label: "stagecraft-encore dev (dist)",
        run: () =>
          runTrial(
            spec("runner", [process.execPath, join(snapshot.distDir, "bin", "stagecraft-encore.js"), ...RUNNER_ARGS]),
          ),
      },
    ],
    dispose: async () => removeWorld(world),
  };
}

/**
 * Inside one running toolbox container: each trial is `docker exec -u node … node remote.ts trial`,
 * which times the trial in the container, so neither container start-up nor `docker exec` is counted.
 * The runner is started the way entrypoint.sh starts it (`node $RUNNER dev`).
 */
export async function imageExecPlatform(image: string, harnessRoot: string, runner: string): Promise<Platform> {
  const name = `stagecraft-bench-${process.pid}`;
  await docker([
    "run",
    "-d",
    "--rm",
    "--name",
    name,
    "--user",
    "node",
    "--entrypoint",
    "/usr/bin/tini",
    "-v",
    `${join(harnessRoot, "bench")}:/harness/bench:ro`,
    "-v",
    `${join(harnessRoot, "package.json")}:/harness/package.json:ro`,
    image,
    "-s",
    "--",
    "sleep",
    "infinity",
  ]);
  const remote = async <T>(command: string, input: unknown): Promise<T> =>
    JSON.parse(
      await docker([
        "exec",
        "-u",
        "node",
        "-w",
        "/tmp",
        name,
        "node",
        "/harness/bench/lifecycle/remote.ts",
        command,
        JSON.stringify(input),
      ]),
    ) as T;
  const world = await remote<WorldDescription>("world", {
    nodeBinDir: "/usr/local/bin",
    encoreBinDir: "/opt/encore/bin",
  } satisfies WorldOptions);
  const spec = (subject: Subject, command: string[]) => trialSpec(world, subject, command);
  return {
    id: "image-exec",
    title: "image (docker exec)",
    method: `One toolbox container kept running (tini as PID 1, user node); each trial is timed inside it by bench/lifecycle/remote.ts, so container start-up and docker exec are excluded. Runner started as entrypoint.sh starts it (node ${runner} dev); baseline /opt/encore/bin/encore run.`,
    subjects: [
      {
        id: "direct",
        subject: "direct",
        label: "encore run (double) directly",
        run: () => remote<TrialResult>("trial", spec("direct", ["/opt/encore/bin/encore", ...RUN_ARGV])),
      },
      {
        id: "runner-dist",
        subject: "runner",
        label: "stagecraft-encore dev (dist)",
        run: () => remote<TrialResult>("trial", spec("runner", ["node", runner, ...RUNNER_ARGS])),
      },
    ],
    dispose: async () => {
      await docker(["rm", "-f", name]).catch(() => "");
    },
  };
}

/**
 * `docker run` end to end, container start-up included: `docker run IMAGE dev` against
 * `docker run IMAGE encore run …`. Both go through tini and entrypoint.sh (which runs
 * `encore` as given, as node), so the difference is the runner. Host networking, so the
 * bench probes the port without a proxy in between; the stop signal goes to the docker
 * client, which relays it (sig-proxy).
 */
export async function imageRunPlatform(image: string): Promise<Platform> {
  const world = await createWorld({ nodeBinDir: dirname(process.execPath) });
  // node (uid 1000) must own the project, or the entrypoint would remap it.
  chownTree(world.dir, 1000, 1000);
  const [dashboard, mcp] = [await freePort(), await freePort()];
  const hostEnv = Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const base = (): string[] => [
    "docker",
    "run",
    "--rm",
    "--network",
    "host",
    "-v",
    `${world.app}:/workspace`,
    "-e",
    "NO_COLOR=1",
    "-e",
    "ENCORE_DOUBLE_LOG=/workspace/encore-calls.jsonl",
    "-e",
    "ENCORE_DOUBLE_SCENARIO={}",
    "-e",
    `ENCORE_DEVDASH_LISTEN_ADDR=127.0.0.1:${dashboard}`,
    "-e",
    `ENCORE_MCPSSE_LISTEN_ADDR=127.0.0.1:${mcp}`,
    image,
  ];
  const trial = async (subject: Subject, args: string[]): Promise<TrialResult> => {
    const port = await freePort();
    return runTrial({
      subject,
      command: [...base(), ...args],
      cwd: world.dir,
      env: hostEnv,
      log: join(world.app, "encore-calls.jsonl"),
      port,
      stopSignal: subject === "runner" ? "SIGTERM" : "SIGINT",
      timeoutMs: TIMEOUT_MS,
    });
  };
  return {
    id: "image-run",
    title: "image (docker run)",
    method:
      "A fresh container per trial (cold encore daemon in both), --network host; timed on the host from spawning `docker run` to the awaited line, and from signalling the docker client to its exit.",
    subjects: [
      {
        id: "direct",
        subject: "direct",
        label: "docker run IMAGE encore run …",
        run: () => trial("direct", ["encore", ...RUN_ARGV]),
      },
      {
        id: "runner-dist",
        subject: "runner",
        label: "docker run IMAGE dev",
        run: () => trial("runner", [...RUNNER_ARGS]),
      },
    ],
    dispose: async () => {
      // The container wrote as uid 1000; the bench runs as root and can remove it all.
      removeWorld(world);
    },
  };
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (!statSync(path).isDirectory()) return;
  for (const entry of readdirSync(path)) chownTree(join(path, entry), uid, gid);
}
