import pkg from "../../package.json" with { type: "json" };

// The toolbox image as the release workflow publishes it. Everything that names the
// published image (init's compose file, devcontainer and workflow, the README) takes it
// from here.

/**
 * The repository the release workflow pushes to: `config.image` in package.json, which the
 * workflow reads too.
 */
export const PUBLISHED_IMAGE: string = pkg.config.image;

/**
 * The Encore CLI in the published image of this version: the Dockerfile's default
 * ENCORE_VERSION (a test keeps the two equal).
 */
export const IMAGE_ENCORE_VERSION = "1.56.4";

/** `<image>:<runner version>-encore<Encore version>`: the tag that pins both. */
export function publishedImageRef(
  runnerVersion: string = pkg.version,
  encoreVersion: string = IMAGE_ENCORE_VERSION,
): string {
  return `${PUBLISHED_IMAGE}:${runnerVersion}-encore${encoreVersion}`;
}
