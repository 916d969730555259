// CSI and OSC escape sequences; Encore wraps its banner URLs in them even when not on a terminal.
const ANSI = /\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001B]*(?:\u0007|\u001B\\)|[@-Z\\-_])/g;

export function stripAnsi(text: string): string {
  return text.includes("\u001B") ? text.replace(ANSI, "") : text;
}
