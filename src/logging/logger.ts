import type { Writable } from "node:stream";
import Transport from "winston-transport";
import { formatJson, formatPretty } from "./format.ts";
import { Redactor } from "./redact.ts";
import {
  FEATURE_ID,
  type Fields,
  type LogFormat,
  type LogLevel,
  type LogRecord,
  type RecordContext,
  type Stream,
} from "./record.ts";

// The only module that touches winston (style principle 2). Records are formatted by one
// function (redaction, then pretty or JSON) and written by a winston transport, driven
// directly and synchronously rather than through winston.Logger's object stream: that
// stream buffers without backpressure (a 1 M-line relay grew the heap past 500 MB) and
// costs ~10 µs a record. Driven directly,
// every record (lifecycle or relayed encore line) is written in order, at once, and a
// slow stderr slows the relay instead of filling memory.

const MESSAGE = Symbol.for("message"); // winston's (triple-beam's) formatted-output key
const LEVELS: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/**
 * Writes each formatted record to a stream, synchronously; no per-record events. Inside a
 * batch, records are joined and written once (one syscall per chunk of relayed output).
 */
class StreamWriter extends Transport {
  readonly #stream: Writable;
  #pending: string[] | undefined;
  #waiters: (() => void)[] = [];
  readonly #written = () => {
    if (this.#waiters.length > 0 && this.#stream.writableLength <= BACKLOG_LOW_BYTES) this.#release();
  };

  constructor(stream: Writable) {
    super();
    this.#stream = stream;
    stream.once("close", () => this.#release()).once("error", () => this.#release());
  }

  override log(info: Info, next: () => void): void {
    const line = `${info[MESSAGE]}\n`;
    if (this.#pending) this.#pending.push(line);
    else this.#stream.write(line, this.#written);
    next();
  }

  /**
   * While more than BACKLOG_HIGH_BYTES wait for the reader, a promise that resolves once the
   * backlog is down to BACKLOG_LOW_BYTES: the relay stops reading in between, so the child
   * waits rather than memory growing. Resuming before the backlog is empty keeps the reader
   * busy while the relay works: waiting for a full drain halved the relay's throughput.
   */
  drained(): Promise<void> | undefined {
    if (this.#stream.writableLength <= BACKLOG_HIGH_BYTES || this.#stream.destroyed) return undefined;
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #release(): void {
    for (const resolve of this.#waiters.splice(0)) resolve();
  }

  batch(fn: () => void): void {
    if (this.#pending) return fn();
    this.#pending = [];
    try {
      fn();
    } finally {
      const text = this.#pending.join("");
      this.#pending = undefined;
      if (text) this.#stream.write(text, this.#written);
    }
  }
}

export interface Logger {
  readonly redactor: Redactor;
  error(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  info(message: string, fields?: Fields): void;
  debug(message: string, fields?: Fields): void;
  /** Relays one line of encore's own output (visible at the default level). */
  line(stream: Stream, text: string, level?: LogLevel): void;
  /** Runs `fn` with output held back, so a burst of records becomes one write. */
  batch(fn: () => void): void;
  /**
   * A promise while the output's reader is behind (the stream asked for a drain), else
   * undefined. The relay waits on it, so a stalled reader stalls the child, not memory.
   */
  drained(): Promise<void> | undefined;
  child(context: Partial<RecordContext>): Logger;
  enabled(level: LogLevel): boolean;
}

interface LoggerOptions {
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
  const render =
    options.format === "json" ? formatJson : (record: LogRecord) => formatPretty(record, { color: options.color });
  // Redaction happens here, once, for every record: messages, fields and relayed lines alike.
  // A plain function rather than a winston format: loading winston's format pipeline (logform,
  // colors, readable-stream) cost more start-up time than everything else the logger does.
  const toOutput = (info: Info): Info => {
    const { record } = info;
    record.message = redactor.redact(record.message);
    for (const key in record.fields) {
      const value = record.fields[key];
      if (typeof value === "string") record.fields[key] = redactor.redact(value);
      else if (Array.isArray(value)) record.fields[key] = value.map((item: string) => redactor.redact(item));
    }
    info[MESSAGE] = render(record);
    return info;
  };
  const writer = new StreamWriter(options.stream);
  const write = (info: Info) => {
    try {
      writer.log(toOutput(info), noop);
    } catch (error) {
      // The record may hold anything, a secret included: say that it failed, never what it held.
      reportLoggingFailure(options.stream, error);
    }
  };
  const base: RecordContext = { provider: "encore-ts", operation: "cli", feature: FEATURE_ID, ...options.context };
  return bind(
    write,
    (fn) => writer.batch(fn),
    () => writer.drained(),
    base,
    redactor,
    options.level,
  );
}

function noop(): void {}

function reportLoggingFailure(stream: Writable, error: unknown): void {
  const name = error instanceof Error ? error.name : typeof error;
  try {
    stream.write(`stagecraft-encore: a log record could not be written (${name}); it is left out\n`);
  } catch {
    // Nowhere left to say it.
  }
}

/**
 * Written but not yet taken by the reader: above HIGH the relay waits, until LOW. Measured with a
 * stalled reader (bench/relay): peak RSS 163 MB at 16 MiB, 101 MB at 4 MiB, 85 MB at 2 MiB, with
 * no loss of throughput on a quiet machine.
 */
const BACKLOG_HIGH_BYTES = 2 * 1024 * 1024;
const BACKLOG_LOW_BYTES = 1024 * 1024;

function bind(
  write: (info: Info) => void,
  batch: (fn: () => void) => void,
  drained: () => Promise<void> | undefined,
  context: RecordContext,
  redactor: Redactor,
  threshold: LogLevel,
): Logger {
  const enabled = (level: LogLevel) => LEVELS[level] <= LEVELS[threshold];
  const emit = (level: LogLevel, message: string, fields: Fields = {}, relayed?: Stream) => {
    if (!enabled(level)) return;
    const record: LogRecord = {
      provider: context.provider,
      operation: context.operation,
      feature: context.feature,
      time: new Date(),
      level,
      message,
      fields: { ...fields },
      stream: relayed,
    };
    write({ level, message, record });
  };
  return {
    redactor,
    error: (message, fields) => emit("error", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    info: (message, fields) => emit("info", message, fields),
    debug: (message, fields) => emit("debug", message, fields),
    line: (relayed, text, level = "info") => emit(level, text, {}, relayed),
    batch,
    drained,
    child: (extra) => bind(write, batch, drained, { ...context, ...extra }, redactor, threshold),
    enabled,
  };
}
