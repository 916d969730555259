import type { Writable } from "node:stream";
import winston from "winston";
import { formatJson, formatPretty } from "./format.ts";
import { Redactor } from "./redact.ts";
import { FEATURE_ID, type Fields, type LogFormat, type LogLevel, type LogRecord, type RecordContext, type Stream } from "./record.ts";

// The only module that touches winston's transports (style principle 2).

const MESSAGE = Symbol.for("message"); // winston's (triple-beam's) formatted-output key
const LEVELS: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface Logger {
  readonly redactor: Redactor;
  error(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  info(message: string, fields?: Fields): void;
  debug(message: string, fields?: Fields): void;
  /** Relays one line of encore's own output (visible at the default level). */
  line(stream: Stream, text: string, level?: LogLevel): void;
  child(context: Partial<RecordContext>): Logger;
  enabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  color: boolean;
  /** stderr in production: stdout carries results only. */
  stream: Writable;
  context?: Partial<RecordContext>;
  redactor?: Redactor;
}

interface Info {
  level: string;
  message: string;
  record: LogRecord;
  [MESSAGE]?: string;
}

export function createLogger(options: LoggerOptions): Logger {
  const redactor = options.redactor ?? new Redactor();
  const render = options.format === "json" ? formatJson : (record: LogRecord) => formatPretty(record, { color: options.color });
  const toOutput = winston.format((info) => {
    const { record } = info as unknown as Info;
    // Redaction happens here, once, for every record: messages, fields and relayed lines alike.
    record.message = redactor.redact(record.message);
    for (const [key, value] of Object.entries(record.fields)) {
      if (typeof value === "string") record.fields[key] = redactor.redact(value);
      else if (Array.isArray(value)) record.fields[key] = value.map((item: string) => redactor.redact(item));
    }
    (info as unknown as Info)[MESSAGE] = render(record);
    return info;
  });
  const winstonLogger = winston.createLogger({
    levels: LEVELS,
    level: options.level,
    format: toOutput(),
    transports: [new winston.transports.Stream({ stream: options.stream })],
  });
  const base: RecordContext = { provider: "encore-ts", operation: "cli", feature: FEATURE_ID, ...options.context };
  return bind(winstonLogger, base, redactor, options.level);
}

function bind(target: winston.Logger, context: RecordContext, redactor: Redactor, threshold: LogLevel): Logger {
  const enabled = (level: LogLevel) => LEVELS[level] <= LEVELS[threshold];
  const emit = (level: LogLevel, message: string, fields: Fields = {}, stream?: Stream) => {
    if (!enabled(level)) return;
    const record: LogRecord = { ...context, time: new Date(), level, message, fields: { ...fields }, ...(stream ? { stream } : {}) };
    target.log({ level, message, record } as unknown as winston.LogEntry);
  };
  return {
    redactor,
    error: (message, fields) => emit("error", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    info: (message, fields) => emit("info", message, fields),
    debug: (message, fields) => emit("debug", message, fields),
    line: (stream, text, level = "info") => emit(level, text, {}, stream),
    child: (extra) => bind(target, { ...context, ...extra }, redactor, threshold),
    enabled,
  };
}
