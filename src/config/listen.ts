import { isIPv4, isIPv6 } from "node:net";
import type { ListenAddress } from "../encore/listen.ts";
import { printable } from "./printable.ts";

type ListenParse = { ok: true; value: ListenAddress } | { ok: false; message: string; fix: string };

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const PORT = /^[1-9][0-9]{0,4}$/;
const FIX = 'write host:port, e.g. "0.0.0.0:4000", "127.0.0.1:4000" or "[::1]:4000"';

/** Parses `host:port` with a port in 1–65535 and IPv6 hosts in brackets. Pure. */
export function parseListen(input: string): ListenParse {
  const fail = (message: string): ListenParse => ({ ok: false, message, fix: FIX });
  if (input.trim() !== input || input === "") return fail(`"${printable(input)}" is not host:port`);

  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) return fail(`"${printable(input)}" is a URL; write only host:port`);

  let host: string;
  let portText: string;
  if (input.startsWith("[")) {
    const close = input.indexOf("]");
    if (close === -1 || input[close + 1] !== ":") return fail(`"${printable(input)}" is not [ipv6]:port`);
    host = input.slice(1, close);
    portText = input.slice(close + 2);
    if (!isIPv6(host) || host.includes("%")) return fail(`"${printable(host)}" is not an IPv6 address`);
  } else {
    const colon = input.lastIndexOf(":");
    if (colon === -1) return fail(`"${printable(input)}" has no port`);
    host = input.slice(0, colon);
    portText = input.slice(colon + 1);
    if (host.includes(":")) return fail(`"${printable(input)}" looks like an IPv6 address without brackets`);
    if (host === "") return fail(`"${printable(input)}" has no host`);
    if (!isIPv4(host) && (!HOSTNAME.test(host) || /^[0-9.]+$/.test(host))) {
      return fail(`"${printable(host)}" is not a valid host name or IPv4 address`);
    }
  }
  if (!PORT.test(portText) || Number(portText) > 65535) {
    return fail(`port "${printable(portText)}" must be a number from 1 to 65535`);
  }
  const port = Number(portText);
  const address = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  return { ok: true, value: { host, port, address } };
}
