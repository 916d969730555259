// The Docker image reference grammar (distribution/reference): the parts the
// provider assembles into `<registry>/<image_name>:<tag><suffix>` (docs/provider-contract.md §Image reference).

const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
const DOMAIN_LABEL = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})*|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]+)?`;

const REGISTRY_RE = new RegExp(`^${DOMAIN}(?:/${COMPONENT})*$`);
const NAME_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const SUFFIX_RE = /^[\w.-]*$/;
const MAX_NAME_LENGTH = 255;

export type PartCheck = { ok: true } | { ok: false; message: string };

const ok: PartCheck = { ok: true };

export function checkRegistry(registry: string): PartCheck {
  return REGISTRY_RE.test(registry)
    ? ok
    : { ok: false, message: "is not a registry host with an optional path (e.g. ghcr.io/your-org)" };
}

export function checkImageName(name: string): PartCheck {
  return NAME_RE.test(name)
    ? ok
    : { ok: false, message: "must be lowercase letters, digits and separators (. _ __ -), with / between path parts" };
}

const TAG_RULE = "must start with a letter, digit or _ and contain only letters, digits, _ . - (at most 128)";

export function checkTag(tag: string): PartCheck {
  return TAG_RE.test(tag) ? ok : { ok: false, message: TAG_RULE };
}

export function checkTagSuffix(suffix: string): PartCheck {
  return SUFFIX_RE.test(suffix) ? ok : { ok: false, message: "may contain only letters, digits, _ . -" };
}

interface ImageReferenceParts {
  registry?: string | undefined;
  imageName: string;
  tag: string;
  suffix: string;
}

/** `<registry>/<image_name>:<tag><suffix>`, or `<image_name>:<tag><suffix>` with no registry. Pure. */
export function formatImageReference(parts: ImageReferenceParts): string {
  const repository = parts.registry ? `${parts.registry}/${parts.imageName}` : parts.imageName;
  return `${repository}:${parts.tag}${parts.suffix}`;
}

/** Checks the assembled reference as a whole: each part may be fine while the sum is too long. */
export function checkImageReference(parts: ImageReferenceParts): PartCheck {
  const fullTag = `${parts.tag}${parts.suffix}`;
  if (!TAG_RE.test(fullTag)) return { ok: false, message: `tag "${fullTag}" ${TAG_RULE}` };
  const repository = formatImageReference(parts).slice(0, -(fullTag.length + 1));
  if (repository.length > MAX_NAME_LENGTH) {
    return {
      ok: false,
      message: `repository name is ${repository.length} characters; Docker allows ${MAX_NAME_LENGTH}`,
    };
  }
  return ok;
}

const DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;

/** A whole reference as `docker pull` takes it: `[registry/]name[:tag][@digest]` (for `build.base`). */
export function checkFullReference(reference: string): PartCheck {
  const fail: PartCheck = {
    ok: false,
    message: "is not an image reference such as node:24-bookworm-slim or ghcr.io/org/base:1.0",
  };
  const [nameAndTag = "", digest, ...rest] = reference.split("@");
  if (rest.length > 0 || (digest !== undefined && !DIGEST_RE.test(digest))) return fail;
  const slash = nameAndTag.lastIndexOf("/");
  const colon = nameAndTag.lastIndexOf(":");
  const hasTag = colon > slash;
  const name = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
  if (hasTag && !TAG_RE.test(nameAndTag.slice(colon + 1))) return fail;
  const [first = "", ...others] = name.split("/");
  const isDomain = others.length > 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  const path = isDomain ? others.join("/") : name;
  if (isDomain && !REGISTRY_RE.test(first)) return fail;
  return NAME_RE.test(path) && name.length <= MAX_NAME_LENGTH ? { ok: true } : fail;
}
