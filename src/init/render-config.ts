import type { ProjectFacts } from "./scan.ts";
import { NEW_ENV_FILE, within } from "./paths.ts";

/**
 * stagecraft.yml for the app, in the app directory (the toolbox's /workspace). Written as
 * text, not through a YAML library, so the comments that explain each choice survive.
 * Names are [A-Za-z_][A-Za-z0-9_]* (detect.ts), so they need no quoting.
 */
export function renderConfig(facts: ProjectFacts): string {
  const mode = facts.appId ? "cloud" : "local";
  const modeNote = facts.appId
    ? `# cloud: \`encore secret set\` for app ${facts.appId} (needs an Encore login, e.g. ENCORE_AUTH_KEY).`
    : "# local: Encore's local store .secrets.local.cue (git-ignored), as the app is not linked.";
  const fromEnv = facts.secrets.length === 0 ? "[]" : `[${facts.secrets.join(", ")}]`;
  const lines = [
    "# stagecraft-encore settings for this Encore app (written by `stagecraft-encore init`).",
    "# Paths are relative to this directory. Reference: the README's Configuration section.",
    "backend:",
    "  provider: encore-ts",
    "  providers:",
    "    encore-ts:",
    "      dev:",
    ...(facts.appInMount === "."
      ? []
      : ["        # encore.app is here; this file sits at the workspace root, which the packages install from."]),
    `        workdir: ${facts.appInMount}`,
    "        # Loaded into Encore's environment; variables already set in the environment win.",
    `        env_file: ${within(facts.appInMount, facts.envFile ?? NEW_ENV_FILE)}`,
    "        # 0.0.0.0 so the API is reachable through the container's published port.",
    '        listen: "0.0.0.0:4000"',
    "        disable_telemetry: true",
    "        encore_secrets:",
    '          # The secrets the code declares with secret("…"), taken from the environment or env_file.',
    `          from_env: ${fromEnv}`,
    `          ${modeNote}`,
    `          mode: ${mode}`,
    "        readiness:",
    "          # The first start runs `npm install` and compiles the app.",
    "          timeout_ms: 300000",
    "      build:",
    `        workdir: ${facts.appInMount}`,
    "        image_name: api",
    ...(facts.databases.length > 0
      ? [
          "        # The app has SQL databases: the image reads its infra config at run time",
          "        # (ENCORE_INFRA_CONFIG_PATH) instead of at build time.",
          "        skip_config: true",
        ]
      : []),
  ];
  return `${lines.join("\n")}\n`;
}

/** The env file init creates when the app has none. */
export function renderEnvFile(): string {
  return "# Variables for `stagecraft-encore dev` (secrets listed in stagecraft.yml's from_env, API keys).\n# Git ignores this file.\n";
}
