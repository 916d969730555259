import { readFileSync } from "node:fs";
import type { Snapshot } from "../lib/snapshot.ts";
import type { WorldDescription } from "../lib/world.ts";
import { FloodCheck } from "./flood-check.ts";
import { startRelaySubject } from "./subject.ts";

// d4. The same flood, but the reader stalls: once the first flood line is in, the bench stops
// reading the relay's stderr for STALL_MS (a paused terminal, a slow log shipper), sampling
// the relay's resident memory, then reads on to the end and checks every line arrived. A
// relay with backpressure stops reading its child (which then blocks); one without keeps
// reading and buffers what it cannot write.

export const STALL_MS = 4000;
const TIMEOUT_MS = 600_000;

export interface StalledSample {
  method: "runner" | "minimal";
  /** Highest VmRSS seen while the reader was stalled. */
  stalledRssMb: number;
  lines: number;
  lost: number;
}

export async function stalledOnce(
  snapshot: Snapshot,
  world: WorldDescription,
  method: "runner" | "minimal",
  expectedLines: number,
): Promise<StalledSample> {
  const { child, exited } = await startRelaySubject(snapshot, world, method);
  const check = new FloodCheck(2);
  let stalled: Promise<number> | undefined;
  child.stderr!.on("data", (chunk: Buffer) => {
    check.push(chunk);
    if (!stalled && check.firstAt > 0) {
      child.stderr!.pause();
      stalled = sampleWhileStalled(child.pid!).then((peak) => {
        child.stderr!.resume();
        return peak;
      });
    }
  });
  try {
    const result = await Promise.race([
      check.finished,
      exited.then((code) => Promise.reject(new Error(`${method} exited (${code}) before the flood was done`))),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`${method}: flood not done in ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref(),
      ),
    ]);
    const lines = result.perStream.stdout.lines + result.perStream.stderr.lines;
    return {
      method,
      stalledRssMb: await stalled!,
      lines,
      lost: expectedLines - lines + result.perStream.stdout.outOfOrder + result.perStream.stderr.outOfOrder,
    };
  } finally {
    child.kill("SIGKILL");
    await exited;
  }
}

async function sampleWhileStalled(pid: number): Promise<number> {
  let peak = 0;
  const until = performance.now() + STALL_MS;
  while (performance.now() < until) {
    peak = Math.max(peak, rssMb(pid));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Math.max(peak, rssMb(pid));
}

function rssMb(pid: number): number {
  try {
    const kib = Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
    return (kib * 1024) / 1e6;
  } catch {
    return 0;
  }
}
