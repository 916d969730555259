import type { BackendProvider } from "./types.ts";

// CORE_BACKEND_REGISTRY: providers register themselves when their module is imported.

const providers = new Map<string, BackendProvider>();

export function registerProvider(provider: BackendProvider): void {
  if (providers.has(provider.id)) throw new Error(`backend provider "${provider.id}" is already registered`);
  providers.set(provider.id, provider);
}

export function getProvider(id: string): BackendProvider | undefined {
  return providers.get(id);
}

export function providerIds(): string[] {
  return [...providers.keys()].sort();
}
