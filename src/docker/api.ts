import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { join } from "node:path";
import type { DockerEndpoint } from "./endpoint.ts";

interface EngineVersion {
  version: string;
  apiVersion: string;
}

/** GET /version from the engine (unix socket or TCP, with the client's TLS certificates). */
export function engineVersion(endpoint: DockerEndpoint, timeoutMs = 3000): Promise<EngineVersion> {
  return new Promise((resolve, reject) => {
    const onResponse = (res: import("node:http").IncomingMessage) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      res.on("end", () => {
        try {
          const parsed = JSON.parse(body) as { Version?: string; ApiVersion?: string };
          resolve({ version: parsed.Version ?? "?", apiVersion: parsed.ApiVersion ?? "?" });
        } catch {
          reject(new Error(`unexpected answer (HTTP ${res.statusCode})`));
        }
      });
    };
    let req;
    if (endpoint.kind === "unix") {
      req = httpRequest({ socketPath: endpoint.path, path: "/version", timeout: timeoutMs }, onResponse);
    } else if (endpoint.kind === "tcp" && endpoint.tls && endpoint.certPath) {
      const file = (name: string) => readFileSync(join(endpoint.certPath!, name));
      req = httpsRequest(
        {
          host: endpoint.host,
          port: endpoint.port,
          path: "/version",
          timeout: timeoutMs,
          ca: file("ca.pem"),
          cert: file("cert.pem"),
          key: file("key.pem"),
        },
        onResponse,
      );
    } else if (endpoint.kind === "tcp") {
      req = httpRequest({ host: endpoint.host, port: endpoint.port, path: "/version", timeout: timeoutMs }, onResponse);
    } else {
      reject(new Error(`${endpoint.text} is not checked`));
      return;
    }
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}
