// Searching bytes for secret values: in outputs, in the files a container wrote, and in the
// layers of an image. Values are searched as raw bytes, so binary files and tar streams
// (`docker cp … -`, `docker save`, which holds every layer uncompressed) count too.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { execa } from "execa";
import { dockerOk } from "../support/docker.ts";

export interface Finding {
  needle: string;
  source: string;
}

export class LeakScanner {
  readonly #needles: [string, Buffer][];
  readonly findings: Finding[] = [];
  /** Every source searched, so a test can show it looked where it claims to. */
  readonly sources: string[] = [];

  /** `needles`: name → value, e.g. { HELLO_API_TOKEN: "hello-token-x1" }. */
  constructor(needles: Record<string, string>) {
    this.#needles = Object.entries(needles).map(([name, value]) => {
      if (value.length < 8) throw new Error(`${name}: a needle this short would match by chance`);
      return [name, Buffer.from(value)];
    });
  }

  scan(source: string, data: string | Uint8Array): void {
    this.sources.push(source);
    const bytes =
      typeof data === "string" ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    for (const [needle, value] of this.#needles) if (bytes.includes(value)) this.findings.push({ needle, source });
  }

  /** Searches a stream chunk by chunk, keeping an overlap so a value split across chunks is found. */
  async scanStream(source: string, stream: Readable): Promise<void> {
    this.sources.push(source);
    const longest = Math.max(...this.#needles.map(([, value]) => value.length));
    const found = new Set<string>();
    let tail = Buffer.alloc(0);
    for await (const chunk of stream) {
      const window = Buffer.concat([tail, chunk as Buffer]);
      for (const [needle, value] of this.#needles) if (!found.has(needle) && window.includes(value)) found.add(needle);
      tail = window.subarray(Math.max(0, window.length - longest + 1));
    }
    for (const needle of found) this.findings.push({ needle, source });
  }

  /** Files of a host directory, by path relative to it. */
  scanFiles(dir: string, files: readonly string[]): void {
    for (const file of files) this.scan(`${dir}/${file}`, readFileSync(join(dir, file)));
  }

  /**
   * What a container wrote: every file `docker diff` lists (its writable layer) and the
   * contents of its named volumes, copied out with `docker cp` (which also works once the
   * container has stopped). Bind mounts are skipped: their host side is scanned directly.
   */
  async scanContainer(id: string): Promise<void> {
    const inspect = JSON.parse((await dockerOk(["inspect", "--format", "{{json .Mounts}}", id])).stdout) as {
      Type: string;
      Destination: string;
    }[];
    const binds = inspect.filter((mount) => mount.Type === "bind").map((mount) => mount.Destination);
    const volumes = inspect.filter((mount) => mount.Type === "volume").map((mount) => mount.Destination);
    const under = (path: string, roots: readonly string[]) =>
      roots.some((root) => path === root || path.startsWith(`${root}/`));
    const changed = (await dockerOk(["diff", id])).stdout
      .split("\n")
      .filter((line) => /^[AC] \//.test(line))
      .map((line) => line.slice(2));
    // The leaves are the written files (and empty directories); their parents are only listed as changed.
    const leaves = changed.filter(
      (path) => !changed.some((other) => other.startsWith(`${path}/`)) && !under(path, binds) && !under(path, volumes),
    );
    for (const path of [...leaves, ...volumes]) {
      const copy = await execa("docker", ["cp", `${id}:${path}`, "-"], { encoding: "buffer", reject: false });
      if (copy.exitCode !== 0)
        throw new Error(`docker cp ${id}:${path} failed: ${Buffer.from(copy.stderr).toString()}`);
      this.scan(`container:${path}`, copy.stdout);
    }
  }

  /** Every layer and the config of an image, through `docker save`. */
  async scanImage(ref: string): Promise<void> {
    const save = spawn("docker", ["save", ref], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    save.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const exited = once(save, "close");
    await this.scanStream(`image:${ref}`, save.stdout);
    const [code] = (await exited) as [number | null];
    if (code !== 0) throw new Error(`docker save ${ref} exited with ${code}: ${stderr}`);
  }
}
