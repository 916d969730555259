/** The address `encore run --listen` binds, as parsed once from the config or `--listen`. */
export interface ListenAddress {
  /** Host as written, without brackets (`0.0.0.0`, `localhost`, `::1`). */
  host: string;
  port: number;
  /** The canonical `host:port` form passed to `encore run --listen` (IPv6 in brackets). */
  address: string;
}

/** The address to probe for readiness: a wildcard bind is reached on loopback. */
export function probeHost(listen: ListenAddress): string {
  if (listen.host === "0.0.0.0") return "127.0.0.1";
  if (listen.host === "::") return "::1";
  return listen.host;
}
