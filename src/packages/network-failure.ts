// Package managers fail on the network in a few recognisable ways; the fix then is about the
// registry, a proxy or a CA, not about the app.

const PATTERNS: readonly [RegExp, "dns" | "refused" | "timeout" | "tls"][] = [
  [/\b(ENOTFOUND|EAI_AGAIN)\b|getaddrinfo/i, "dns"],
  [/\bECONNREFUSED\b|\bECONNRESET\b|\bEHOSTUNREACH\b|\bENETUNREACH\b/, "refused"],
  [/\bETIMEDOUT\b|\bESOCKETTIMEDOUT\b|\bERR_SOCKET_TIMEOUT\b|network timeout/i, "timeout"],
  [
    /self[- ]signed certificate|UNABLE_TO_GET_ISSUER_CERT|unable to get local issuer certificate|UNABLE_TO_VERIFY_LEAF_SIGNATURE|CERT_HAS_EXPIRED|ERR_TLS_CERT/i,
    "tls",
  ],
];

type NetworkFailure = "dns" | "refused" | "timeout" | "tls";

export function networkFailureIn(output: string): NetworkFailure | undefined {
  return PATTERNS.find(([pattern]) => pattern.test(output))?.[1];
}

export function networkFix(kind: NetworkFailure): string {
  switch (kind) {
    case "tls":
      return "the registry's certificate is not trusted: behind a TLS-intercepting proxy, point dev.node_extra_ca_certs at the proxy's CA (PEM)";
    case "dns":
    case "refused":
    case "timeout":
      return "the package registry is unreachable: check the network, the registry (npm_config_registry or .npmrc) and the proxy (HTTPS_PROXY, npm_config_proxy); behind a TLS-intercepting proxy also set dev.node_extra_ca_certs";
  }
}
