import type { ProjectFacts } from "./scan.ts";

interface WorkflowOptions {
  image: string;
}

/**
 * A GitHub Actions workflow that builds the backend image with the toolbox through the
 * runner's Docker socket. `build` prints the image reference alone on stdout; the step
 * captures it and hands it on as the `image` output. Written as text: the shell lines and
 * `${{ }}` expressions read best as they will appear.
 */
export function renderWorkflow(facts: ProjectFacts, options: WorkflowOptions): string {
  const app = facts.mountPath === "." ? "$PWD" : `$PWD/${facts.mountPath}`;
  const linked = facts.appId !== undefined;
  return `# Builds the Encore backend image with the stagecraft-encore toolbox (written by
# \`stagecraft-encore init\`). The image is loaded into the runner's Docker engine and named
# in the job's \`image\` output; push it or scan it in the steps after.
name: Backend image

on:
  push:
    branches: [main]
  pull_request:
  workflow_dispatch:

permissions:
  contents: read

jobs:
  image:
    runs-on: ubuntu-latest
    outputs:
      image: \${{ steps.build.outputs.image }}
    steps:
      - uses: actions/checkout@v4
      - name: Build the backend image
        id: build
${linked ? "        env:\n          # The app is linked to Encore Cloud; the build may need a login.\n          ENCORE_AUTH_KEY: ${{ secrets.ENCORE_AUTH_KEY }}\n" : ""}        run: |
          image=$(docker run --rm -v "${app}:/workspace" -v /var/run/docker.sock:/var/run/docker.sock \\
${linked ? "            -e ENCORE_AUTH_KEY \\\n" : ""}            ${options.image} build --tag "\${GITHUB_SHA::7}")
          echo "built $image"
          echo "image=$image" >> "$GITHUB_OUTPUT"
`;
}
