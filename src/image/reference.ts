// The Docker image reference grammar (distribution/reference): the parts the
// provider assembles into `<registry>/<image_name>:<tag><suffix>` (spec §5.2).

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

export interface ImageReferenceParts {
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
    return { ok: false, message: `repository name is ${repository.length} characters; Docker allows ${MAX_NAME_LENGTH}` };
  }
  return ok;
}
