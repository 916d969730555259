import { INTERNAL_EXIT_CODE } from "../errors/categories.ts";

/**
 * Process-wide safety nets, installed once by main:
 * - A crash never prints raw data. Node's own crash output shows the error's message and
 *   source line, which may hold anything the runner handled (a secret in a value, a pattern).
 *   Only the error's class and its stack frames (code locations, no data) are printed.
 * - SIGUSR1 does not open Node's inspector.
 * - A reader that went away (`build | head`, `dev 2>&1 | head`) is not a crash: writes to
 *   that stream stop quietly (EPIPE); what the runner does meanwhile (push, stop) goes on.
 */
export function guardProcess(target: NodeJS.Process): void {
  const crash = (error: unknown) => {
    try {
      target.stderr.write(
        `stagecraft-encore: internal error (this is a bug, please report it): ${describeSafely(error)}\n`,
      );
    } catch {
      // stderr is gone too.
    }
    target.exit(INTERNAL_EXIT_CODE);
  };
  // Node opens its inspector (a debugger on 127.0.0.1:9229) on SIGUSR1; a listener of our
  // own keeps it shut: a tool holding secrets must not hand out its memory to a signal.
  target.on("SIGUSR1", () => {});
  target.on("uncaughtException", crash);
  target.on("unhandledRejection", crash);
  for (const stream of [target.stdout, target.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") {
        stream.destroy();
        return;
      }
      crash(error);
    });
  }
}

/** The error's class and code locations only: its message may quote data. */
export function describeSafely(error: unknown): string {
  if (!(error instanceof Error)) return `a thrown ${typeof error}`;
  const frames = (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  const code =
    typeof (error as NodeJS.ErrnoException).code === "string" ? ` (${(error as NodeJS.ErrnoException).code})` : "";
  return [`${error.name}${code}`, ...frames.slice(0, 12)].join("\n");
}
