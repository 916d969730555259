import { INTERNAL_EXIT_CODE, USAGE_EXIT_CODE } from "./categories.ts";
import { ProviderError, UsageError } from "./provider-error.ts";

/** The process exit code for whatever a command threw; anything unexpected is a bug (70). */
export function exitCodeFor(error: unknown): number {
  if (error instanceof ProviderError) return error.exitCode;
  if (error instanceof UsageError) return USAGE_EXIT_CODE;
  return INTERNAL_EXIT_CODE;
}
