import { accessSync, constants } from "node:fs";

// A child must not outlive the runner. execa's cleanup kills children when the runner
// exits or is signalled, but nothing runs when the runner is SIGKILLed (`kill -9`, the OOM
// killer); `encore run` would then keep serving. Linux can kill a child when its parent
// dies (PR_SET_PDEATHSIG); Node cannot set it, util-linux's `setpriv --pdeathsig` can, and
// then execs the command itself (same pid, same argv). A fixed system path, not PATH: the
// wrapper must be the system's. Elsewhere (macOS, no util-linux) the command runs as is.

const CANDIDATES = ["/usr/bin/setpriv", "/bin/setpriv"];
let setpriv: string | null | undefined;

function findSetpriv(): string | null {
  if (process.platform !== "linux") return null;
  for (const path of CANDIDATES) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // next
    }
  }
  return null;
}

/** The command to start instead of `file args…`; spawn.ts's CommandSpec fits (no import back to it). */
export function withParentDeath(spec: { file: string; args: readonly string[] }): {
  file: string;
  args: readonly string[];
} {
  setpriv ??= findSetpriv();
  // A command that cannot start is left to fail as itself (ENOENT, EACCES), not as setpriv's exit 127.
  if (!setpriv || !executable(spec.file)) return { file: spec.file, args: spec.args };
  return { file: setpriv, args: ["--pdeathsig", "SIGKILL", "--", spec.file, ...spec.args] };
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
