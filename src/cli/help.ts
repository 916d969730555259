import type { CommandName } from "./args.ts";

const GLOBAL = `Global options:
  --log-format pretty|json   log format on stderr (env STAGECRAFT_LOG_FORMAT; default pretty)
  --log-level LEVEL          error, warn, info or debug (env STAGECRAFT_LOG_LEVEL; default info)
  -h, --help                 show help
  NO_COLOR=1 turns colours off.`;

const INPUTS = `  --config PATH        stagecraft.yml (env STAGECRAFT_CONFIG; default <project dir>/stagecraft.yml)
  --project-dir DIR    the project root (env STAGECRAFT_PROJECT_DIR; default the current directory)`;

export const HELP: Record<CommandName, string> = {
  help: `stagecraft-encore: runs an Encore.ts backend (the Stagecraft encore-ts provider)

Usage: stagecraft-encore <command> [options]

Commands:
  dev       sync secrets, run the Encore dev server, stop it gracefully on SIGINT/SIGTERM
  build     build the backend image with encore build docker; prints the image reference
  version   print the version
  help      show help for a command

${GLOBAL}

Logs and errors go to stderr; stdout carries results only.
Exit codes: 0 ok, 2 invalid config or usage, 3 invalid project, 4 encore (or docker) not available,
5 secret sync failed, 6 dev server failed, 7 build failed, 70 internal error.`,
  dev: `Usage: stagecraft-encore dev [--config PATH] [--project-dir DIR] [--listen HOST:PORT]

Runs \`encore run --debug --verbose --watch --listen <listen> --browser=never\` after syncing
secrets. Ready when Encore's banner appears and the address answers HTTP. SIGINT or SIGTERM
stops it gracefully (a second signal forces); a stop on request exits 0.

Options:
${INPUTS}
  --listen HOST:PORT   overrides dev.listen, e.g. 0.0.0.0:4000 or [::1]:4000

${GLOBAL}`,
  build: `Usage: stagecraft-encore build [--tag TAG] [--push] [--output text|json] [--config PATH] [--project-dir DIR]

Runs \`encore build docker <registry>/<image_name>:<TAG><suffix>\` and prints that reference,
alone, on stdout:  IMAGE=$(stagecraft-encore build --tag "$GIT_SHA")
With GITHUB_OUTPUT set, also appends image=<ref> to it.

Options:
  --tag TAG            the image tag (default: the project's short commit SHA, -dirty if changed)
  --push               push to the registry instead of loading into the local Docker engine
  --output text|json   text: the reference; json: {"image","pushed","durationMs"}
${INPUTS}

${GLOBAL}`,
  version: `Usage: stagecraft-encore version

Prints the runner's version on stdout.

${GLOBAL}`,
};
