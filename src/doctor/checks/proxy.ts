import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import tls from "node:tls";
import { configuredProxy, describeProxy, noProxyWithDirectHosts } from "../../env/proxy.ts";
import { pass, warn, type Check } from "../types.ts";

/** Each target gets at most this long; they are tried at the same time. */
export const PROXY_CHECK_TIMEOUT_MS = 3000;

interface Target {
  name: string;
  url: string;
}

type Reach = { ok: true; status: number; ms: number } | { ok: false; reason: string; code: string | undefined };

/**
 * With a proxy set, the two places the toolbox must reach through it: the npm registry (the
 * install step, Encore's own `npm install`) and Encore's API (login, secrets, the update check).
 * Any HTTP answer counts as reached; the proxy and NO_PROXY apply as the runner composes them.
 */
export const checkProxy: Check = async (ctx) => {
  const proxy = configuredProxy(ctx.env);
  if (!proxy) return [pass("proxy", "no proxy set (HTTPS_PROXY, HTTP_PROXY): npm and Encore connect directly")];
  const noProxy = noProxyWithDirectHosts(ctx.env);
  const env = { ...ctx.env, ...(noProxy !== undefined ? { NO_PROXY: noProxy, no_proxy: noProxy } : {}) };
  const targets: Target[] = [
    {
      name: "the npm registry",
      url: ctx.env.npm_config_registry || ctx.env.NPM_CONFIG_REGISTRY || "https://registry.npmjs.org/",
    },
    { name: "Encore's API", url: ctx.env.ENCORE_PLATFORM_API_URL || "https://api.encore.cloud/" },
  ];
  const ca = trustedCertificates(ctx.settings?.caFile);
  const answers = await Promise.all(targets.map((target) => reach(target.url, env, ca)));
  const via = describeProxy(proxy);
  const lines = targets.map((target, i) => {
    const answer = answers[i]!;
    return answer.ok
      ? `${target.name} (${target.url}): HTTP ${answer.status} in ${answer.ms} ms`
      : `${target.name} (${target.url}): ${answer.reason}`;
  });
  const failed = answers.findIndex((answer) => !answer.ok);
  if (failed < 0) return [pass("proxy", `npm and Encore are reachable through ${via}`, lines)];
  const answer = answers[failed] as Extract<Reach, { ok: false }>;
  return [warn("proxy", `${targets[failed]!.name} is not reachable through ${via}`, fixFor(answer, via), lines)];
};

function fixFor(answer: Extract<Reach, { ok: false }>, via: string): string {
  if (answer.code === "TLS")
    return "the proxy intercepts TLS: put its CA certificate in the project and point dev.node_extra_ca_certs at it";
  if (answer.code === "ECONNREFUSED" || answer.code === "ENOTFOUND" || answer.code === "EAI_AGAIN")
    return `nothing answers at ${via}: check HTTPS_PROXY/HTTP_PROXY`;
  if (answer.code === "407")
    return "the proxy wants credentials: put them in the proxy URL (http://user:password@host:port)";
  return `check that ${via} allows these hosts, or add the ones reachable directly to NO_PROXY`;
}

/** The default trust store, plus the project's extra CA (Node loaded NODE_EXTRA_CA_CERTS already). */
function trustedCertificates(caFile: string | undefined): string[] {
  const base =
    typeof tls.getCACertificates === "function" ? tls.getCACertificates("default") : [...tls.rootCertificates];
  if (!caFile) return base;
  try {
    return [...base, readFileSync(caFile, "utf8")];
  } catch {
    return base; // the tls check reports an unreadable CA
  }
}

/** One GET through the proxy the environment names (Node's proxyEnv agent), bounded by the timeout. */
function reach(url: string, env: Readonly<Record<string, string | undefined>>, ca: string[]): Promise<Reach> {
  const started = performance.now();
  const secure = url.startsWith("https:");
  const agent = secure
    ? new https.Agent({ proxyEnv: env, ca, keepAlive: false })
    : new http.Agent({ proxyEnv: env, keepAlive: false });
  return new Promise((resolve) => {
    const done = (result: Reach) => {
      agent.destroy();
      resolve(result);
    };
    const request = (secure ? https : http).get(
      url,
      { agent, signal: AbortSignal.timeout(PROXY_CHECK_TIMEOUT_MS) },
      (response) => {
        response.resume();
        done({ ok: true, status: response.statusCode ?? 0, ms: Math.round(performance.now() - started) });
      },
    );
    request.on("error", (error: NodeJS.ErrnoException) => {
      if (error.name === "TimeoutError" || error.name === "AbortError")
        return done({ ok: false, reason: `no answer within ${PROXY_CHECK_TIMEOUT_MS / 1000} s`, code: "TIMEOUT" });
      const status = /\b(\d{3})\b/.exec(error.message)?.[1];
      if (/certificate|self[- ]signed|UNABLE_TO/i.test(`${error.code} ${error.message}`))
        return done({ ok: false, reason: `TLS: ${error.message}`, code: "TLS" });
      done({
        ok: false,
        reason: error.message,
        code: error.code && !error.code.startsWith("ERR_PROXY") ? error.code : status,
      });
    });
  });
}
