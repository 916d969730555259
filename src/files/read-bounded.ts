import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";

type BoundedRead =
  | { ok: true; data: Buffer }
  | {
      ok: false;
      reason: "missing" | "directory" | "not-a-file" | "too-large" | "unreadable";
      code?: string;
      size?: number;
    };

/**
 * Reads a user-named file, refusing what is not a regular file and stopping after `maxBytes`
 * bytes actually read. The size the filesystem reports is not trusted: /proc files report 0
 * and stream without end. A FIFO or device is refused without blocking: it is opened
 * non-blocking and checked with fstat before any read, so the check and the read concern the
 * same file.
 */
export function readBounded(path: string, maxBytes: number): BoundedRead {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { ok: false, reason: "missing", code };
    if (code === "EISDIR") return { ok: false, reason: "directory", code };
    return { ok: false, reason: "unreadable", ...(code ? { code } : {}) };
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return { ok: false, reason: "directory" };
    if (!stat.isFile()) return { ok: false, reason: "not-a-file" };
    // A reported size over the limit is believed (no need to read it); a smaller one is not.
    if (stat.size > maxBytes) return { ok: false, reason: "too-large", size: stat.size };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // Whole 64 KiB reads (some /proc files refuse odd sizes); at most one past the limit.
      const chunk = Buffer.allocUnsafe(64 * 1024);
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > maxBytes) return { ok: false, reason: "too-large" };
    }
    return { ok: true, data: Buffer.concat(chunks, total) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EISDIR") return { ok: false, reason: "directory", code };
    return { ok: false, reason: "unreadable", ...(code ? { code } : {}) };
  } finally {
    closeSync(fd);
  }
}

/** Words for a failed read, to follow a file's name: "is a named pipe or device, not a file". */
export function describeFailure(failure: Exclude<BoundedRead, { ok: true }>, maxBytes: number): string {
  switch (failure.reason) {
    case "missing":
      return "does not exist";
    case "directory":
      return "is a directory, not a file";
    case "not-a-file":
      return "is not a regular file (a named pipe, socket or device)";
    case "too-large":
      return `is larger than ${formatBytes(maxBytes)}`;
    case "unreadable":
      return `cannot be read${failure.code ? ` (${failure.code})` : ""}`;
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
