// renovate-config-validator from the renovate npm package, which .ci/provision installs under
// $STAGECRAFT_TOOLS_DIR/renovate (default /opt/stagecraft-ci/renovate): the package is far too
// big for a devDependency.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";

const TOOLS = process.env.STAGECRAFT_TOOLS_DIR ?? "/opt/stagecraft-ci";
const VALIDATOR = join(TOOLS, "renovate", "node_modules", ".bin", "renovate-config-validator");

export interface RenovateValidation {
  ok: boolean;
  /** Its log: the errors it found, or its confirmation. */
  output: string;
}

/** `renovate-config-validator --strict FILE` in FILE's directory. */
export async function validateRenovateConfig(dir: string, file = "renovate.json"): Promise<RenovateValidation> {
  if (!existsSync(VALIDATOR)) throw new Error(`${VALIDATOR} is missing: run .ci/provision, which installs it`);
  const result = await execa(VALIDATOR, ["--strict", file], { cwd: dir, reject: false, all: true, stdin: "ignore" });
  if (result.exitCode !== 0 && result.exitCode !== 1)
    throw new Error(`renovate-config-validator exited with ${result.exitCode}:\n${result.all}`);
  return { ok: result.exitCode === 0, output: String(result.all ?? "") };
}
