// Proxies reach every tool through the same variables: Go (Encore's CLI and daemon), npm,
// curl and git read HTTP_PROXY/HTTPS_PROXY/NO_PROXY, some in upper case and some in lower
// case first. When a proxy is set, the toolbox's own neighbours must bypass it: the compose
// sidecars (`postgres`, which ENCORE_SQLDB_HOST names; `docker`, the docker-in-docker engine)
// and loopback (the dev server, Encore's daemon and dashboard). Pure.

export const PROXY_VARIABLES = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"] as const;
export const NO_PROXY_VARIABLES = ["NO_PROXY", "no_proxy"] as const;
/** Always direct, whatever the user's NO_PROXY says. */
const DIRECT_HOSTS = ["localhost", "127.0.0.1", "::1", "postgres", "docker"] as const;

type Env = Readonly<Record<string, string | undefined>>;

/** The proxy set for https (else http), upper case first, as Go reads it. */
export function configuredProxy(env: Env): string | undefined {
  for (const key of PROXY_VARIABLES) if (env[key]) return env[key];
  return undefined;
}

/**
 * NO_PROXY with the sidecars and loopback added when a proxy is set: the user's entries first,
 * in their order (from either case, without duplicates), then what is missing. Undefined when
 * no proxy is set, or when the user's NO_PROXY already bypasses everything (`*`).
 */
export function noProxyWithDirectHosts(env: Env): string | undefined {
  if (!configuredProxy(env)) return undefined;
  const entries: string[] = [];
  for (const key of NO_PROXY_VARIABLES) {
    for (const raw of (env[key] ?? "").split(",")) {
      const entry = raw.trim();
      if (entry && !entries.some((known) => known.toLowerCase() === entry.toLowerCase())) entries.push(entry);
    }
  }
  if (entries.includes("*")) return undefined;
  for (const host of DIRECT_HOSTS) if (!entries.some((known) => known.toLowerCase() === host)) entries.push(host);
  return entries.join(",");
}

/** A proxy URL without its credentials, for messages. */
export function describeProxy(proxy: string): string {
  try {
    const url = new URL(proxy.includes("://") ? proxy : `http://${proxy}`);
    url.username = "";
    url.password = "";
    return url.href.replace(/\/$/, "");
  } catch {
    return "(an unparsable proxy URL)";
  }
}
