import { pass, fail, type Check } from "../types.ts";

export const checkConfig: Check = (ctx) => {
  if (ctx.settings) return [pass("config", `${ctx.configPath} is valid`)];
  const details = ctx.configIssues.map(
    (issue) => `${issue.path}: ${issue.message}${issue.fix ? ` (${issue.fix})` : ""}`,
  );
  return [
    fail(
      "config",
      ctx.configError ?? "the config is invalid",
      "fix every problem listed; `stagecraft-encore plan dev` shows what dev would do",
      details,
    ),
  ];
};
