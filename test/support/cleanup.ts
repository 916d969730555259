import { after, afterEach } from "node:test";

export type Cleanup = () => unknown;

/**
 * Cleanups registered during each test (or, with "file", during the whole file) run after it,
 * newest first, awaited one by one.
 */
export function deferred(scope: "each" | "file" = "each"): (...cleanups: Cleanup[]) => void {
  const pending: Cleanup[] = [];
  (scope === "each" ? afterEach : after)(async () => {
    while (pending.length > 0) await pending.pop()!();
  });
  return (...cleanups) => {
    pending.push(...cleanups);
  };
}
