import { PROVIDER_ID } from "../../config/settings.ts";
import { registerProvider } from "../registry.ts";
import type { BackendProvider } from "../types.ts";
import { buildDocker, planBuild } from "./build.ts";
import { dev, planDev } from "./dev.ts";

export const encoreTsProvider: BackendProvider = { id: PROVIDER_ID, dev, buildDocker, planDev, planBuild };

// docs/provider-contract.md §Provider registry: importing the provider registers it.
registerProvider(encoreTsProvider);
