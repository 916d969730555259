import { PROVIDER_ID } from "../../config/settings.ts";
import type { BackendProvider } from "../types.ts";
import { buildDocker, planBuild } from "./build.ts";
import { dev, planDev } from "./dev.ts";
import { planTest, test } from "./test.ts";

export const encoreTsProvider: BackendProvider = {
  id: PROVIDER_ID,
  dev,
  buildDocker,
  test,
  planDev,
  planBuild,
  planTest,
};

// The provider's public surface beyond BackendProvider: what doctor reports on. Code outside
// provider/ imports this file, never the modules behind it (test/layering.test.ts).
export { prepareInstall } from "./install.ts";
