import type { BackendProvider } from "./types.ts";

// CORE_BACKEND_REGISTRY: the providers this runner knows, listed explicitly by whoever builds
// the registry (the CLI), so what is registered never depends on which modules were imported.

export class ProviderRegistry {
  readonly #providers = new Map<string, BackendProvider>();

  constructor(providers: readonly BackendProvider[]) {
    for (const provider of providers) {
      if (this.#providers.has(provider.id)) throw new Error(`backend provider "${provider.id}" is already registered`);
      this.#providers.set(provider.id, provider);
    }
  }

  get(id: string): BackendProvider | undefined {
    return this.#providers.get(id);
  }

  ids(): string[] {
    return [...this.#providers.keys()].sort();
  }
}
