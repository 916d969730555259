// The image's HEALTHCHECK: healthy only when the Encore dev server answers HTTP (any
// status counts: Encore answers 404 on paths no endpoint serves).
//
// The address, first match wins:
//   1. STAGECRAFT_HEALTHCHECK_URL, e.g. http://127.0.0.1:8080/ (needed when `dev --listen`
//      overrides the config file, which this check cannot see);
//   2. dev.listen of the encore-ts provider in stagecraft.yml (STAGECRAFT_CONFIG, else
//      <STAGECRAFT_PROJECT_DIR or the working directory>/stagecraft.yml), a wildcard
//      host probed on loopback as the runner itself does;
//   3. http://127.0.0.1:4000/, Encore's default port.
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { resolve } from "node:path";
import { parse } from "yaml";

const TIMEOUT_MS = 3000;

// Docker runs a healthcheck as the container's user, which is root in this image (the
// entrypoint drops to node for the main command only), so the probe drops to node itself
// before it reads the project's files.
function dropRootToNode() {
  if (process.getuid?.() !== 0) return;
  const entry = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .map((line) => line.split(":"))
    .find((fields) => fields[0] === "node");
  if (!entry) return;
  const [uid, gid] = [Number(entry[2]), Number(entry[3])];
  process.initgroups("node", gid);
  process.setgid(gid);
  process.setuid(uid);
}

function configuredUrl(env) {
  if (env.STAGECRAFT_HEALTHCHECK_URL) return env.STAGECRAFT_HEALTHCHECK_URL;
  try {
    const file = env.STAGECRAFT_CONFIG || resolve(env.STAGECRAFT_PROJECT_DIR || ".", "stagecraft.yml");
    const listen = parse(readFileSync(file, "utf8"))?.backend?.providers?.["encore-ts"]?.dev?.listen;
    const match = typeof listen === "string" ? /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(listen) : null;
    if (match) {
      const host = match[1] ?? match[2];
      const probe = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
      return `http://${probe.includes(":") ? `[${probe}]` : probe}:${match[3]}/`;
    }
  } catch {
    // No readable config: fall back to the default port.
  }
  return "http://127.0.0.1:4000/";
}

dropRootToNode();
const url = configuredUrl(process.env);
const req = request(url, { timeout: TIMEOUT_MS, agent: false }, (res) => {
  res.resume();
  process.exit(0);
});
req.on("timeout", () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
req.on("error", (error) => {
  console.error(`${url}: ${error.message}`);
  process.exit(1);
});
req.end();
