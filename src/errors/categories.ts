/** The six error categories (docs/provider-contract.md §Errors) and the exit code each maps to. */
export const CATEGORY_EXIT_CODES = {
  INVALID_CONFIG: 2,
  INVALID_PROJECT: 3,
  PROVIDER_NOT_AVAILABLE: 4,
  SECRET_SYNC_FAILED: 5,
  DEV_SERVER_FAILED: 6,
  BUILD_FAILED: 7,
} as const;

export type Category = keyof typeof CATEGORY_EXIT_CODES;

/** Usage errors share INVALID_CONFIG's code: the input, not the tool, is wrong. */
export const USAGE_EXIT_CODE = 2;
/** A bug in this tool (sysexits EX_SOFTWARE). */
export const INTERNAL_EXIT_CODE = 70;

/** What the runner was doing; errors and log records carry it (`init` sets a project up). */
export type Operation = "dev" | "build" | "test" | "init";
