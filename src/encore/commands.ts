// Pure argv builders for every encore call, checked against the real CLI's flags
// (docs/encore-cli.md §Run flags, §Build flags). Each is asserted verbatim in the tests.

/** docs/provider-contract.md §Dev command; `--browser=never` because a container has no browser to open. */
export function runArgs(listenAddress: string): string[] {
  return ["run", "--debug", "--verbose", "--watch", "--listen", listenAddress, "--browser=never"];
}

export interface BuildFlags {
  push?: boolean;
  base?: string | undefined;
  arch?: string | undefined;
  /** Path of the infra config, as given (relative to the build's cwd). */
  config?: string | undefined;
  skipConfig?: boolean;
  services?: readonly string[] | undefined;
  gateways?: readonly string[] | undefined;
}

/** docs/provider-contract.md §Build command: `encore build docker [flags] <IMAGE_REF>`; values in `--flag=value` form. */
export function buildDockerArgs(imageRef: string, flags: BuildFlags = {}): string[] {
  const args = ["build", "docker"];
  if (flags.push) args.push("--push");
  if (flags.base) args.push(`--base=${flags.base}`);
  if (flags.arch) args.push(`--arch=${flags.arch}`);
  if (flags.config) args.push(`--config=${flags.config}`);
  if (flags.skipConfig) args.push("--skip-config");
  if (flags.services?.length) args.push(`--services=${flags.services.join(",")}`);
  if (flags.gateways?.length) args.push(`--gateways=${flags.gateways.join(",")}`);
  args.push(imageRef);
  return args;
}

/** CI login; the key has to be in argv (the released CLI reads it nowhere else), so it is redacted everywhere. */
export function authLoginArgs(authKey: string): string[] {
  return ["auth", "login", `--auth-key=${authKey}`];
}

/**
 * One call per secret with all its types: `--type` takes a comma-separated list.
 * The value goes on stdin, never here.
 */
export function secretSetArgs(name: string, types: readonly string[]): string[] {
  return ["secret", "set", "--type", types.join(","), name];
}

/**
 * `encore test` parses none of its arguments but --prepare, --trace, --codegen-debug and
 * --no-color and hands the rest to the app's `test` script (docs/encore-cli.md §Test), so
 * the user's arguments go on as given.
 */
export function testArgs(args: readonly string[]): string[] {
  return ["test", ...args];
}

export function versionArgs(): string[] {
  return ["version"];
}
