// The baseline for d: the least a Node relay can do. It starts the command given, and
// writes every line of its stdout and stderr to its own stderr (readline → process.stderr),
// which is what the runner does minus parsing, redaction and formatting. SIGTERM becomes
// SIGINT for the child, as in the runner. Node builtins only.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

const [file, ...args] = process.argv.slice(2);
const child = spawn(file!, args, { stdio: ["ignore", "pipe", "pipe"] });
for (const stream of [child.stdout, child.stderr]) {
  createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => process.stderr.write(`${line}\n`));
}
process.on("SIGTERM", () => child.kill("SIGINT"));
child.on("exit", (code) => (process.exitCode = code ?? 1));
