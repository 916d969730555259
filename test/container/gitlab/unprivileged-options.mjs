// What `--privileged` becomes on an engine that refuses it (it lacks CAP_SYS_RESOURCE): every
// capability but that one, no seccomp/AppArmor confinement, the host's cgroups, a fresh /run.
// The same set docker/compose.unprivileged.yml gives the dind service.
export const UNPRIVILEGED = [
  "--cap-add",
  "ALL",
  "--cap-drop",
  "SYS_RESOURCE",
  "--security-opt",
  "seccomp=unconfined",
  "--security-opt",
  "apparmor=unconfined",
  "--cgroupns",
  "host",
  "--volume",
  "/sys/fs/cgroup:/sys/fs/cgroup:rw",
  "--tmpfs",
  "/run",
];
