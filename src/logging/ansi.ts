// CSI, OSC and two-byte escape sequences; Encore wraps its banner URLs in them even when not
// on a terminal, and before v1.57.0 redraws its progress block with ESC 7/ESC 8 (save/restore
// cursor) there too (internal/optracker).
const ANSI = /\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001B]*(?:\u0007|\u001B\\)|[78=>@-Z\\-_])/g;

export function stripAnsi(text: string): string {
  return text.includes("\u001B") ? text.replace(ANSI, "") : text;
}
