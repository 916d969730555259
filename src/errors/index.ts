export {
  CATEGORY_EXIT_CODES,
  INTERNAL_EXIT_CODE,
  USAGE_EXIT_CODE,
  type Category,
  type Operation,
} from "./categories.ts";
export { ProviderError, UsageError, type Issue, type ProviderErrorInit } from "./provider-error.ts";
export { exitCodeFor } from "./exit-code.ts";
