#!/usr/bin/env node
// The container executable gitlab-ci-local is told to use in the tests (--container-executable):
// the docker CLI, except that `--privileged`, which GitLab runners give docker:dind services and
// which this machine's engine refuses (it lacks CAP_SYS_RESOURCE), becomes the equivalent set of
// options that docker/compose.unprivileged.yml uses. Everything else goes to docker unchanged.
import { spawnSync } from "node:child_process";
import { UNPRIVILEGED } from "./unprivileged-options.mjs";

const args = process.argv.slice(2);
const creates = args[0] === "create" || args[0] === "run";
const rewritten = creates ? args.flatMap((arg) => (arg === "--privileged" ? UNPRIVILEGED : [arg])) : args;
const result = spawnSync("docker", rewritten, { stdio: "inherit" });
process.exit(result.status ?? 1);
