// Entry point run inside the toolbox image by `docker exec … node remote.ts <command> <json>`
// (Node strips the types; builtins only). The timing happens in here, so the cost of
// `docker exec` itself stays out of every figure.
//   world <WorldOptions>  → the WorldDescription, as JSON on stdout
//   trial <TrialSpec>     → the TrialResult, as JSON on stdout
import { runTrial, type TrialSpec } from "./trial.ts";
import { createWorld, type WorldOptions } from "../lib/world.ts";

const [command, json] = process.argv.slice(2);
const input = JSON.parse(json ?? "{}");
const output =
  command === "world"
    ? await createWorld(input as WorldOptions)
    : command === "trial"
      ? await runTrial(input as TrialSpec)
      : undefined;
if (output === undefined) {
  process.stderr.write(`usage: remote.ts world|trial <json>\n`);
  process.exitCode = 2;
} else {
  process.stdout.write(`${JSON.stringify(output)}\n`);
}
