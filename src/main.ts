import { run } from "./cli/run.ts";
import { guardProcess } from "./cli/process-guard.ts";

// The entry point: the only place that sets the process exit code (style principle 2).
// A promise chain rather than top-level await, so the bundle can be CommonJS.
guardProcess(process);
void run({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
}).then((code) => {
  process.exitCode = code;
});
