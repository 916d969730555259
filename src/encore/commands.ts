// Pure argv builders for every encore call, checked against the real CLI's flags
// (encore-cli.md). Each is asserted verbatim in the tests.

/** spec §4.4; `--browser=never` because a container has no browser to open. */
export function runArgs(listenAddress: string): string[] {
  return ["run", "--debug", "--verbose", "--watch", "--listen", listenAddress, "--browser=never"];
}

/** spec §5.3 */
export function buildDockerArgs(imageRef: string): string[] {
  return ["build", "docker", imageRef];
}

/**
 * One call per secret with all its types: `--type` takes a comma-separated list.
 * The value goes on stdin, never here.
 */
export function secretSetArgs(name: string, types: readonly string[]): string[] {
  return ["secret", "set", "--type", types.join(","), name];
}

export function versionArgs(): string[] {
  return ["version"];
}
