import { COMPOSE_FILE, SERVICE } from "./paths.ts";
import type { ProjectFacts } from "./scan.ts";

/**
 * .devcontainer/devcontainer.json on top of the compose service:
 * - overrideCommand false: the service's own command (`dev`) runs, so the dev server starts
 *   with the container instead of the Dev Containers default `sleep infinity`;
 * - workspaceFolder /workspace, the mounted app, whose node_modules (a volume Encore fills
 *   with `npm install`) gives the editor encore.dev's types;
 * - updateRemoteUserUID false: the image's entrypoint already gives node the UID of the
 *   project's owner; the CLI's own remapping would build a second image for nothing.
 */
export function renderDevcontainer(facts: ProjectFacts): string {
  const config = {
    name: `${facts.name} (stagecraft-encore)`,
    dockerComposeFile: [`../${COMPOSE_FILE}`],
    service: SERVICE,
    workspaceFolder: "/workspace",
    overrideCommand: false,
    remoteUser: "node",
    updateRemoteUserUID: false,
    forwardPorts: [4000, 9400],
    portsAttributes: { "4000": { label: "API" }, "9400": { label: "Encore development dashboard" } },
    shutdownAction: "stopCompose",
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
