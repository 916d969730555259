import type { Plan } from "../provider/types.ts";

/** Shell-style quoting for display only; nothing is ever run through a shell. */
function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'"'"'`)}'`;
}

/** The human form of `plan`: numbered steps, then environment keys by source. Pure. */
export function formatPlan(plan: Plan): string {
  const lines = [`Plan for \`stagecraft-encore ${plan.operation}\` (provider ${plan.provider}); nothing was run.`, ""];
  for (const step of plan.steps) {
    lines.push(`${String(step.n).padStart(2)}. ${step.title}`);
    if (step.argv) lines.push(`    $ ${step.argv.map(quoteArg).join(" ")}`);
    const where = [
      step.cwd && `cwd: ${step.cwd}`,
      step.stdin && `stdin: ${step.stdin}`,
      step.writes && `writes: ${step.writes}`,
    ].filter(Boolean);
    if (where.length) lines.push(`    ${where.join("   ")}`);
    if (step.secrets?.length) lines.push(`    secrets: ${step.secrets.join(" ")}`);
  }
  lines.push("", "Environment of every encore call (keys only; values are never shown):");
  for (const source of ["config", "env_file", "process"] as const) {
    const keys = plan.env.filter((entry) => entry.source === source).map((entry) => entry.key);
    if (keys.length) lines.push(`  ${source.padEnd(9)} ${keys.join(" ")}`);
  }
  if (plan.withheld.length)
    lines.push(`  withheld  ${plan.withheld.join(" ")} (secrets: on stdin or Encore's local store only)`);
  if (plan.warnings.length) lines.push("", "Warnings:", ...plan.warnings.map((warning) => `  - ${warning}`));
  return `${lines.join("\n")}\n`;
}
