import { stripAnsi } from "../logging/ansi.ts";

/** Encore prints this on stderr once the dev server runs (docs/encore-cli.md §Dev server banner), URLs ANSI-wrapped. */
export const BANNER = "Encore development server running!";

export function isBannerLine(line: string): boolean {
  return stripAnsi(line).includes(BANNER);
}

/** The real message when the listen port is taken: `Failed to run on 0.0.0.0:4000 - port is already in use`. */
export function isPortInUseLine(line: string): boolean {
  return /port is already in use/.test(stripAnsi(line));
}

const ZEROLOG_LEVEL = /^(?:\S+\s)?(TRC|DBG|INF|WRN|ERR|FTL|PNC)\s/;

/** Maps Encore's zerolog console level tokens so its errors show as errors; everything else stays visible as info. */
export function levelOfLine(line: string): "error" | "warn" | "info" {
  const token = ZEROLOG_LEVEL.exec(stripAnsi(line))?.[1];
  if (token === "ERR" || token === "FTL" || token === "PNC") return "error";
  if (token === "WRN") return "warn";
  return "info";
}
