import { parseListen } from "../../config/listen.ts";
import { probeHost } from "../../encore/listen.ts";
import { canBind, portHolder } from "../port-holder.ts";
import { pass, warn, type Check, type CheckResult } from "../types.ts";

/** The listen port and the dashboard port are free (or who holds them), and the dashboard is reachable. */
export const checkPorts: Check = async (ctx) => {
  const results: CheckResult[] = [];
  const dashboard = parseListen(ctx.env.ENCORE_DEVDASH_LISTEN_ADDR ?? "127.0.0.1:9400");
  const targets = [
    ...(ctx.settings ? [{ id: "listen-port", what: "the API", address: ctx.settings.listen }] : []),
    ...(dashboard.ok ? [{ id: "dashboard-port", what: "the dashboard", address: dashboard.value }] : []),
  ];
  for (const target of targets) {
    const host =
      target.address.host === "0.0.0.0" || target.address.host === "::"
        ? target.address.host
        : probeHost(target.address);
    if (await canBind(host, target.address.port)) {
      results.push(pass(target.id, `${target.address.address} is free for ${target.what}`));
    } else {
      const holder = portHolder(target.address.port);
      results.push(
        warn(
          target.id,
          `${target.address.address} is in use${holder ? ` by ${holder}` : ""}`,
          `stop it (fine if it is this project's own dev server), or pick another port`,
        ),
      );
    }
  }
  if (ctx.inContainer) {
    const host = dashboard.ok ? dashboard.value.host : "";
    results.push(
      host === "0.0.0.0" || host === "::"
        ? pass(
            "dashboard-reach",
            `ENCORE_DEVDASH_LISTEN_ADDR=${ctx.env.ENCORE_DEVDASH_LISTEN_ADDR} makes the dashboard reachable through a published port`,
          )
        : warn(
            "dashboard-reach",
            "inside a container the dashboard listens on 127.0.0.1 and is unreachable from the host",
            "set ENCORE_DEVDASH_LISTEN_ADDR=0.0.0.0:9400 and publish port 9400",
          ),
    );
  }
  return results;
};
