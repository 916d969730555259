import { readFileSync } from "node:fs";
import { availableParallelism, loadavg, release, totalmem } from "node:os";
import { serverVersion } from "./docker.ts";
import type { Machine } from "./types.ts";

export async function describeMachine(): Promise<Machine> {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const osRelease = readFileSync("/etc/os-release", "utf8");
  const versions = await serverVersion();
  return {
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? "unknown",
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    os: /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(osRelease)?.[1] ?? "unknown",
    node: process.version,
    dockerEngine: versions.engine,
    dockerClient: versions.client,
    buildx: versions.buildx,
    date: new Date().toISOString(),
    loadAverage: { start: loadavg()[0]! },
  };
}
