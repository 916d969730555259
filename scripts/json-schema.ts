import { toJsonSchema } from "@valibot/to-json-schema";
import { EncoreTsSchema } from "../src/config/schema.ts";

/**
 * The JSON Schema of a stagecraft.yml as this runner reads it, generated from the valibot
 * schema itself: the `encore-ts` block is exactly EncoreTsSchema; the rest of the document
 * is open, because other sections belong to other tools. Checks that need the file system
 * (paths exist, PEM, containment) and grammar checks written as code are not expressible
 * here; the runner still applies them.
 */
export function stagecraftJsonSchema(): Record<string, unknown> {
  const block = toJsonSchema(EncoreTsSchema, { errorMode: "ignore" }) as Record<string, unknown>;
  delete block.$schema;
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: "https://stagecraft-encore/schema/stagecraft.schema.json",
    title: "stagecraft.yml (encore-ts backend)",
    type: "object",
    properties: {
      project: {
        type: "object",
        properties: {
          registry: {
            type: "string",
            description: "Registry (and path) that prefixes built images, e.g. ghcr.io/your-org/platform.",
          },
        },
      },
      backend: {
        type: "object",
        properties: {
          provider: {
            type: "string",
            examples: ["encore-ts"],
            description: "The backend provider; encore-ts for Encore.ts.",
          },
          providers: { type: "object", properties: { "encore-ts": { $ref: "#/definitions/encoreTs" } } },
        },
        required: ["provider"],
      },
    },
    definitions: { encoreTs: block },
  };
}
