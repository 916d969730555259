// doctor's proxy check against a local forward proxy: it must reach the npm registry and
// Encore's API through the proxy the environment names, within the timeout, both at once.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, test } from "node:test";
import { checkProxy, PROXY_CHECK_TIMEOUT_MS } from "../../src/doctor/checks/proxy.ts";
import type { CheckResult, DoctorContext } from "../../src/doctor/types.ts";
import { deferred } from "../support/cleanup.ts";

const defer = deferred();

interface Proxy {
  url: string;
  /** Request lines the proxy saw: `GET http://…` or `CONNECT host:port`. */
  seen: string[];
}

/** A forward proxy: absolute-URI requests are answered by the proxy itself; CONNECT as `connect` says. */
async function proxy(connect: "refuse" | "hang" = "refuse", requests: "answer" | "hang" = "answer"): Promise<Proxy> {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (requests === "answer") res.writeHead(204).end();
  });
  server.on("connect", (req, socket) => {
    seen.push(`CONNECT ${req.url}`);
    if (connect === "refuse") socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  defer(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function run(env: Record<string, string>): Promise<CheckResult[]> {
  const ctx = { env, settings: undefined } as unknown as DoctorContext;
  return Promise.resolve(checkProxy(ctx));
}

describe("doctor: proxy", () => {
  test("no proxy set: PASS, and nothing is dialled", async () => {
    const [result] = await run({});
    assert.deepEqual([result?.id, result?.status], ["proxy", "pass"]);
    assert.match(result!.message, /no proxy set/);
  });

  test("reaches the npm registry and Encore's API through HTTP_PROXY: PASS, one line each", async () => {
    const p = await proxy();
    const [result] = await run({
      http_proxy: p.url,
      npm_config_registry: "http://registry.example/",
      ENCORE_PLATFORM_API_URL: "http://api.example/",
    });
    assert.equal(result?.status, "pass", JSON.stringify(result));
    assert.deepEqual(p.seen.sort(), ["GET http://api.example/", "GET http://registry.example/"]);
    assert.equal(result!.details?.length, 2);
    assert.match(result!.details!.join("\n"), /the npm registry \(http:\/\/registry\.example\/\): HTTP 204/);
  });

  test("a proxy that refuses CONNECT to Encore's API: WARN naming it, with a fix", async () => {
    const p = await proxy("refuse");
    const [result] = await run({
      HTTPS_PROXY: `http://user:secret@${p.url.slice(7)}`,
      HTTP_PROXY: p.url,
      npm_config_registry: "http://registry.example/",
      ENCORE_PLATFORM_API_URL: "https://api.example/",
    });
    assert.equal(result?.status, "warn");
    assert.deepEqual(p.seen.sort(), ["CONNECT api.example:443", "GET http://registry.example/"]);
    assert.match(result!.message, /^Encore's API is not reachable through http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(result!.fix);
    assert.doesNotMatch(JSON.stringify(result), /secret/, "the proxy's credentials are never shown");
  });

  test("nothing answers at the proxy address: WARN saying so", async () => {
    const dead = await proxy();
    const url = dead.url;
    const [result] = await run({
      HTTPS_PROXY: url.replace(/:\d+$/, ":1"),
      npm_config_registry: "https://registry.example/",
      ENCORE_PLATFORM_API_URL: "https://api.example/",
    });
    assert.equal(result?.status, "warn");
    assert.match(result!.fix ?? "", /^nothing answers at http:\/\/127\.0\.0\.1:1: check HTTPS_PROXY/);
  });

  test("a proxy that never answers: both targets give up after the timeout, at the same time", async () => {
    const p = await proxy("hang", "hang");
    const started = performance.now();
    const [result] = await run({
      HTTP_PROXY: p.url,
      npm_config_registry: "http://registry.example/",
      ENCORE_PLATFORM_API_URL: "http://api.example/",
    });
    const took = performance.now() - started;
    assert.equal(result?.status, "warn");
    assert.match(
      result!.details!.join("\n"),
      new RegExp(`no answer within ${PROXY_CHECK_TIMEOUT_MS / 1000} s[\\s\\S]*no answer within`),
    );
    assert.ok(
      took < 2 * PROXY_CHECK_TIMEOUT_MS,
      `took ${Math.round(took)} ms: the two requests ran one after the other`,
    );
  });

  test("a NO_PROXY host is reached directly, the other through the proxy", async () => {
    const p = await proxy();
    const target = await proxy(); // stands in for a registry reachable directly
    const [result] = await run({
      HTTP_PROXY: p.url,
      NO_PROXY: "127.0.0.1",
      npm_config_registry: `${target.url}/`,
      ENCORE_PLATFORM_API_URL: "http://api.example/",
    });
    assert.equal(result?.status, "pass", JSON.stringify(result));
    assert.deepEqual(p.seen, ["GET http://api.example/"]);
    assert.deepEqual(target.seen, ["GET /"]);
  });
});
