import type { Operation } from "../errors/index.ts";

export const FEATURE_ID = "PROVIDER_BACKEND_ENCORE";

export type LogLevel = "error" | "warn" | "info" | "debug";
export const LOG_LEVELS: readonly LogLevel[] = ["error", "warn", "info", "debug"];
export type LogFormat = "pretty" | "json";
export const LOG_FORMATS: readonly LogFormat[] = ["pretty", "json"];

export type Stream = "stdout" | "stderr";

/** Fields on every record (docs/provider-contract.md §Logging). */
export interface RecordContext {
  provider: string;
  operation: Operation | "cli";
  feature: string;
}

export type Fields = Record<string, string | number | boolean | readonly string[] | undefined>;

export interface LogRecord extends RecordContext {
  time: Date;
  level: LogLevel;
  message: string;
  /** Set on lines relayed from encore's own output. */
  stream?: Stream | undefined;
  fields: Fields;
}
