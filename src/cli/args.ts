import { parseArgs } from "node:util";
import { UsageError } from "../errors/index.ts";
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from "../logging/record.ts";

const COMMANDS = ["dev", "build", "test", "plan", "doctor", "init", "version", "help"] as const;
export type CommandName = (typeof COMMANDS)[number];

const GLOBAL_OPTIONS = {
  "log-format": { type: "string" },
  "log-level": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const COMMAND_OPTIONS = {
  dev: { config: { type: "string" }, "project-dir": { type: "string" }, listen: { type: "string" } },
  build: {
    config: { type: "string" },
    "project-dir": { type: "string" },
    tag: { type: "string" },
    push: { type: "boolean" },
    output: { type: "string" },
  },
  test: { config: { type: "string" }, "project-dir": { type: "string" } },
  plan: {
    config: { type: "string" },
    "project-dir": { type: "string" },
    listen: { type: "string" },
    tag: { type: "string" },
    push: { type: "boolean" },
    json: { type: "boolean" },
  },
  doctor: { config: { type: "string" }, "project-dir": { type: "string" }, json: { type: "boolean" } },
  init: {
    "project-dir": { type: "string" },
    force: { type: "boolean" },
    "dry-run": { type: "boolean" },
    image: { type: "string" },
  },
  version: {},
  help: {},
} as const;

const PLAN_TARGETS = ["dev", "build", "test"] as const;

export interface Invocation {
  command: CommandName;
  help: boolean;
  /** For `help <command>`. */
  topic?: CommandName | undefined;
  /** For `plan dev|build`. */
  target?: (typeof PLAN_TARGETS)[number] | undefined;
  json: boolean;
  logFormat: LogFormat;
  logLevel: LogLevel;
  config?: string | undefined;
  projectDir?: string | undefined;
  listen?: string | undefined;
  tag?: string | undefined;
  push: boolean;
  output: "text" | "json";
  /** init */
  force: boolean;
  dryRun: boolean;
  image?: string | undefined;
  /** `test -- ARGS` (and `plan test -- ARGS`): for the app's test runner, passed on as given. */
  testArgs: string[];
}

function isCommand(value: string | undefined): value is CommandName {
  return (COMMANDS as readonly string[]).includes(value ?? "");
}

/** Parses argv (without node and the script). Flags may come before or after the command. Pure. */
export function parseInvocation(all: readonly string[], env: Readonly<Record<string, string | undefined>>): Invocation {
  // Everything after the first `--` belongs to the app's test runner and is not parsed here.
  const terminator = all.indexOf("--");
  const argv = terminator === -1 ? all : all.slice(0, terminator);
  const testArgs = terminator === -1 ? [] : all.slice(terminator + 1);
  const named = firstPositional(argv);
  if (named !== undefined && !isCommand(named)) {
    throw new UsageError(
      `unknown command "${named}"`,
      `commands: ${COMMANDS.join(", ")}; run \`stagecraft-encore --help\``,
    );
  }
  const command: CommandName = named ?? "help";
  const options = { ...GLOBAL_OPTIONS, ...COMMAND_OPTIONS[command] };
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(
      cleanParseError((error as Error).message, command),
      `run \`stagecraft-encore ${command === "help" ? "" : `${command} `}--help\``,
    );
  }
  const positionals = parsed.positionals.slice(named === undefined ? 0 : 1);
  const values = parsed.values as Record<string, string | boolean | undefined>;
  let topic: CommandName | undefined;
  let target: Invocation["target"];
  if (command === "help" && positionals.length > 0) {
    const [wanted] = positionals;
    if (!isCommand(wanted)) throw new UsageError(`unknown command "${wanted}"`, `commands: ${COMMANDS.join(", ")}`);
    topic = wanted;
  } else if (command === "plan" && values.help !== true) {
    const [wanted, ...rest] = positionals;
    const match = PLAN_TARGETS.find((candidate) => candidate === wanted);
    if (!match || rest.length > 0)
      throw new UsageError(
        `plan takes one of ${PLAN_TARGETS.join(", ")}${wanted ? `, not "${positionals.join(" ")}"` : ""}`,
        "e.g. stagecraft-encore plan dev --json",
      );
    target = match;
  } else if (positionals.length > 0) {
    const hint =
      command === "test"
        ? "arguments for the test runner go after --: stagecraft-encore test -- <args>"
        : `run \`stagecraft-encore ${command} --help\``;
    throw new UsageError(`unexpected argument "${positionals[0]}" for ${command}`, hint);
  }
  if (terminator !== -1 && command !== "test" && target !== "test") {
    throw new UsageError(
      `arguments after -- are only taken by test (and plan test), not by ${command}`,
      "e.g. stagecraft-encore test -- --reporter=tap",
    );
  }

  const string = (key: string) => (typeof values[key] === "string" ? (values[key] as string) : undefined);
  return {
    command,
    help: values.help === true,
    topic,
    target,
    json: values.json === true,
    logFormat: pick("--log-format", string("log-format") ?? env.STAGECRAFT_LOG_FORMAT ?? "pretty", LOG_FORMATS),
    logLevel: pick("--log-level", string("log-level") ?? env.STAGECRAFT_LOG_LEVEL ?? "info", LOG_LEVELS),
    config: string("config"),
    projectDir: string("project-dir"),
    listen: string("listen"),
    tag: string("tag"),
    push: values.push === true,
    output: pick("--output", string("output") ?? "text", ["text", "json"] as const),
    force: values.force === true,
    dryRun: values["dry-run"] === true,
    image: string("image"),
    testArgs,
  };
}

/** The command word: the first argument that is not a flag or a flag's value. */
function firstPositional(argv: readonly string[]): string | undefined {
  const everyOption = Object.assign({}, GLOBAL_OPTIONS, ...Object.values(COMMAND_OPTIONS));
  const { tokens } = parseArgs({
    args: [...argv],
    options: everyOption,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  return tokens.find((token) => token.kind === "positional")?.value;
}

function pick<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  const lower = value.toLowerCase();
  const match = allowed.find((candidate) => candidate === lower);
  if (!match) throw new UsageError(`${flag} must be one of ${allowed.join(", ")} (got "${value}")`);
  return match;
}

function cleanParseError(message: string, command: CommandName): string {
  // node's messages are good but mention "To specify a positional argument..." noise.
  const first = message.split(". To specify")[0] ?? message;
  return command === "help" ? first : `${command}: ${first}`;
}
