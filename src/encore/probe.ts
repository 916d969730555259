/** True when anything answers HTTP at host:port; any status counts, the server is up. */
export function probeHttp(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  // node:http is loaded on first use, after `encore run` is spawned, not at start-up.
  const { request } = process.getBuiltinModule("node:http");
  return new Promise((resolve) => {
    const req = request({ host, port, path: "/", method: "GET", timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}
