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
  test      run the app's tests with encore test, prepared as for dev; exits with their code
  plan      print the steps dev, build or test would take (argv, cwd, environment keys), running nothing
  doctor    check the setup: config, encore, project, CA, Docker, databases, ports, secrets
  init      set up an existing Encore app: stagecraft.yml, compose file, devcontainer, CI workflow
  version   print the version
  help      show help for a command

${GLOBAL}

Logs and errors go to stderr; stdout carries results only.
Exit codes: 0 ok, 2 invalid config or usage, 3 invalid project, 4 encore (or docker) not available,
5 secret sync failed, 6 dev server failed, 7 build failed, 70 internal error; doctor: 1 when a check fails;
test: the test command's own code once the tests have started (130 when stopped by SIGINT).`,
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
  test: `Usage: stagecraft-encore test [--config PATH] [--project-dir DIR] [-- ARGS]

Runs \`encore test [ARGS]\` in dev.workdir with dev's preparation (environment, extra CA,
telemetry, secrets in local mode; dev.env_file is optional here). Encore runs the app's
package.json "test" script with its environment; ARGS after -- go to it as given.
stdin, stdout and stderr are the tests' own: stdout is their output, not a result of ours.

Exit codes: before the tests start, the usual ones (2 config, 3 project, e.g. no "test"
script, 4 encore not available); after, the test command's own code, which is none of
ours (1 for failing tests or an app encore cannot compile). SIGINT or SIGTERM stops the
tests (SIGINT to their process group, SIGKILL after dev.shutdown.timeout_ms or a second
signal) and exits 130 (SIGINT) or 143 (SIGTERM).

Options:
${INPUTS}

${GLOBAL}`,
  plan: `Usage: stagecraft-encore plan dev|build|test [--json] [the options of dev, build or test]

A dry run: the exact steps dev, build or test would take, in order (each encore call's argv and cwd,
where stdin comes from) and every environment key with its source (process, env_file, config).
Nothing runs, and no secret value or auth key is printed, not even with --json.

Options:
  --json               machine-readable output
${INPUTS}
  --listen HOST:PORT   (dev) as for dev
  --tag TAG, --push    (build) as for build
  -- ARGS              (test) as for test

${GLOBAL}`,
  doctor: `Usage: stagecraft-encore doctor [--json] [--config PATH] [--project-dir DIR]

Checks the setup and prints one table, each check pass, warn or fail with a one-line fix:
the config, encore and its version (against the app's encore.dev), encore.app and the env file,
the extra CA (for Node and encore), the Docker engine, the database topology (encore#2382),
the listen and dashboard ports, and what secret syncing needs. Exits 1 when a check fails.

Options:
  --json               machine-readable output
${INPUTS}

${GLOBAL}`,
  init: `Usage: stagecraft-encore init [--force] [--dry-run] [--project-dir DIR] [--image REF]

Sets up the Encore app in the project directory (encore.app there, or the one app below it):
  <app>/stagecraft.yml             from_env from the secret("…") calls; mode local when not linked
  <app>/.env.local                 empty, when the app has no .env.local or .env
  compose.stagecraft.yml           the stagecraft-dev service on the toolbox image, Postgres with databases
  .devcontainer/devcontainer.json  on that service; ports 4000 and 9400
  .github/workflows/stagecraft-build.yml   builds the backend image
  .gitignore                       .secrets.local.cue and the env file, appended
A file that exists with other content is never overwritten without --force; then nothing is
written (exit 3). A second run changes nothing.

Options:
  --force              overwrite files that differ (the env file is always kept)
  --dry-run            print what would be written (contents, or a diff), write nothing
  --image REF          the toolbox image to use (default: the published image of this version)
  --project-dir DIR    the repository root (env STAGECRAFT_PROJECT_DIR; default the current directory)

${GLOBAL}`,
  version: `Usage: stagecraft-encore version

Prints the runner's version on stdout.

${GLOBAL}`,
};
