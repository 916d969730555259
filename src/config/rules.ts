import { accessSync, closeSync, constants, openSync, readSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { Issue, Operation } from "../errors/index.ts";
import { checkImageName, checkImageReference, checkRegistry, checkTag, checkTagSuffix } from "../image/reference.ts";
import { MAX_CA_FILE_BYTES, inspectPem } from "../tls/certificate.ts";
import { printable, visible } from "./printable.ts";
import { resolveInsideProject } from "./paths.ts";

// Cross-field and file-system rules (docs/provider-contract.md §Validation rules). They read the raw block with type
// guards, so they still run when the schema found other problems: every problem is
// reported at once.

export const PROVIDER_PREFIX = "backend.providers.encore-ts";
/** dev reads the env file whole; far above any real one. */
const MAX_ENV_FILE_BYTES = 1024 * 1024;

export interface RuleContext {
  projectDir: string;
  operation: Operation;
  /** `project.registry`, for builds. */
  registry?: unknown;
  /** `--tag`, for builds. */
  imageTag?: string;
}

type Raw = Record<string, unknown>;

function section(raw: unknown, key: string): Raw {
  const value = isRecord(raw) ? raw[key] : undefined;
  return isRecord(value) ? value : {};
}

export function isRecord(value: unknown): value is Raw {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function checkRules(raw: unknown, ctx: RuleContext): Issue[] {
  const issues: Issue[] = [];
  const dev = section(raw, "dev");
  const build = section(raw, "build");
  const at = (field: string) => `${PROVIDER_PREFIX}.${field}`;

  // test prepares like dev, but CI supplies the environment: env_file is optional there.
  if (ctx.operation === "dev" || ctx.operation === "test") {
    if (ctx.operation === "dev" && (!("listen" in dev) || dev.listen === undefined)) {
      issues.push({
        path: at("dev.listen"),
        message: "is required for dev",
        fix: 'add listen: "0.0.0.0:4000" under dev',
      });
    }
    if (!("env_file" in dev) || dev.env_file === undefined) {
      if (ctx.operation === "dev")
        issues.push({
          path: at("dev.env_file"),
          message: "is required for dev",
          fix: "add env_file: .env.local under dev (the file may be empty)",
        });
    } else if (checkable(dev.env_file)) {
      const located = locateFile(
        ctx.projectDir,
        dev.env_file,
        at("dev.env_file"),
        "create the file (it may be empty) or fix the path",
      );
      if ("issue" in located) issues.push(located.issue);
      else if (located.size > MAX_ENV_FILE_BYTES) {
        // dev reads the whole file into memory; a huge (or sparse) file is not a dotenv file.
        issues.push({
          path: at("dev.env_file"),
          message: `${visible(located.file)} is ${mebibytes(located.size)} MiB; an env file is at most 1 MiB`,
          fix: "point env_file at your dotenv file",
        });
      }
    }
    if (checkable(dev.workdir)) issues.push(...checkDirectory(ctx.projectDir, dev.workdir, at("dev.workdir")));
  }

  // The CA is part of the environment for both dev and build (the build's encore daemon downloads too).
  if (checkable(dev.node_extra_ca_certs)) {
    issues.push(...checkCaFile(ctx.projectDir, dev.node_extra_ca_certs, at("dev.node_extra_ca_certs")));
  }

  if (ctx.operation === "build") {
    const workdirIssues = checkable(build.workdir)
      ? checkDirectory(ctx.projectDir, build.workdir, at("build.workdir"))
      : [];
    issues.push(...workdirIssues);
    if (checkable(build.config) && workdirIssues.length === 0) {
      // build.config is relative to build.workdir, as `encore build docker --config` sees it.
      const base = checkable(build.workdir) ? resolve(ctx.projectDir, build.workdir) : ctx.projectDir;
      const located = locateFile(
        ctx.projectDir,
        build.config,
        at("build.config"),
        "point it at your infra config JSON, relative to build.workdir",
        base,
      );
      if ("issue" in located) issues.push(located.issue);
    }
    if (build.config !== undefined && build.skip_config === true) {
      issues.push({
        path: at("build.skip_config"),
        message: "cannot be true together with build.config",
        fix: "keep one: build.config to use an infra config, or skip_config: true to build without one",
      });
    }
    if (build.skip_config === true) {
      // With --skip-config Encore generates no infra config, and --services/--gateways only
      // feed that config (cli/daemon/export/export.go): they would be silently ignored.
      for (const field of ["services", "gateways"] as const) {
        if (Array.isArray(build[field]) && build[field].length > 0) {
          issues.push({
            path: at(`build.${field}`),
            message: "is ignored by Encore when build.skip_config is true (the image holds every service and gateway)",
            fix: `remove build.${field}, or set skip_config: false (with build.config) to build only some`,
          });
        }
      }
    }
    issues.push(...checkReference(ctx, build));
  }
  return issues;
}

function checkReference(ctx: RuleContext, build: Raw): Issue[] {
  const issues: Issue[] = [];
  let registry: string | undefined;
  if (ctx.registry !== undefined && ctx.registry !== null) {
    if (typeof ctx.registry !== "string") {
      issues.push({ path: "project.registry", message: "must be a string such as ghcr.io/your-org" });
    } else {
      const check = checkRegistry(ctx.registry);
      if (check.ok) registry = ctx.registry;
      else issues.push({ path: "project.registry", message: `"${printable(ctx.registry)}" ${check.message}` });
    }
  }
  if (ctx.imageTag !== undefined) {
    const check = checkTag(ctx.imageTag);
    if (!check.ok) {
      issues.push({
        path: "--tag",
        message: `"${printable(ctx.imageTag)}" ${check.message}`,
        fix: "pass a git SHA or a version, e.g. --tag 1a2b3c4",
      });
    } else if (
      issues.length === 0 &&
      partOk(build.image_name, checkImageName) &&
      partOk(build.docker_tag_suffix, checkTagSuffix)
    ) {
      // Only valid parts are assembled; a bad part has its own issue from the schema.
      const imageName = typeof build.image_name === "string" ? build.image_name : "api";
      const suffix = typeof build.docker_tag_suffix === "string" ? build.docker_tag_suffix : "";
      const whole = checkImageReference({ registry, imageName, tag: ctx.imageTag, suffix });
      if (!whole.ok)
        issues.push({ path: `${PROVIDER_PREFIX}.build`, message: `the image reference is invalid: ${whole.message}` });
    }
  }
  return issues;
}

function partOk(value: unknown, check: (part: string) => { ok: boolean }): boolean {
  return value === undefined || (typeof value === "string" && check(value).ok);
}

/** A path the schema accepts; an empty one or one with a NUL byte has its issue from the schema alone. */
function checkable(value: unknown): value is string {
  return typeof value === "string" && value !== "" && !value.includes("\0");
}

const mebibytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

function locateFile(
  projectDir: string,
  value: string,
  path: string,
  fix: string,
  from = projectDir,
): { file: string; size: number } | { issue: Issue } {
  const resolved = resolveInsideProject(projectDir, value, from);
  if (!resolved.ok) return { issue: { path, message: resolved.message, fix: resolved.fix } };
  const stat = statOrUndefined(resolved.path);
  if (!stat) return { issue: { path, message: `file not found: ${visible(resolved.path)}`, fix } };
  if (!stat.isFile()) return { issue: { path, message: `${visible(resolved.path)} is not a regular file`, fix } };
  return { file: resolved.path, size: stat.size };
}

function checkDirectory(projectDir: string, value: string, path: string): Issue[] {
  const resolved = resolveInsideProject(projectDir, value);
  if (!resolved.ok) return [{ path, message: resolved.message, fix: resolved.fix }];
  const stat = statOrUndefined(resolved.path);
  const fix = "point it at the directory that holds encore.app (relative to the project directory)";
  if (!stat) return [{ path, message: `directory not found: ${visible(resolved.path)}`, fix }];
  if (!stat.isDirectory()) return [{ path, message: `${visible(resolved.path)} is not a directory`, fix }];
  return [];
}

function checkCaFile(projectDir: string, value: string, path: string): Issue[] {
  const located = locateFile(
    projectDir,
    value,
    path,
    "point it at your CA certificate in PEM form, e.g. mkcert's rootCA.pem",
  );
  if ("issue" in located) return [located.issue];
  const { file } = located;
  let text: string;
  try {
    accessSync(file, constants.R_OK);
    text = readHead(file, MAX_CA_FILE_BYTES + 1);
  } catch (error) {
    return [
      {
        path,
        message: `${visible(file)} is not readable: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        fix: "make the file readable by the user that runs the dev server",
      },
    ];
  }
  if (Buffer.byteLength(text) > MAX_CA_FILE_BYTES) {
    return [
      {
        path,
        message: `${visible(file)} is larger than 1 MiB; that is not a CA certificate`,
        fix: "point it at the CA certificate (PEM)",
      },
    ];
  }
  const pem = inspectPem(text);
  if (pem.kind === "private-key") {
    return [
      {
        path,
        message: `${visible(file)} contains a PRIVATE KEY, not a CA certificate`,
        fix: "point it at the CA certificate (e.g. rootCA.pem), never its key (rootCA-key.pem); and keep keys out of the project",
      },
    ];
  }
  if (pem.kind === "invalid") {
    return [
      {
        path,
        message: `${visible(file)} is not a PEM certificate: ${pem.reason}`,
        fix: "point it at the CA certificate in PEM form (-----BEGIN CERTIFICATE-----)",
      },
    ];
  }
  return [];
}

function readHead(file: string, bytes: number): string {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(bytes);
    const read = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, read).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
