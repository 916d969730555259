import { PROVIDER_ID } from "../../config/settings.ts";
import { registerProvider } from "../registry.ts";
import type { BackendProvider } from "../types.ts";
import { buildDocker } from "./build.ts";
import { dev } from "./dev.ts";

export const encoreTsProvider: BackendProvider = { id: PROVIDER_ID, dev, buildDocker };

// spec §2.1: importing the provider registers it.
registerProvider(encoreTsProvider);
