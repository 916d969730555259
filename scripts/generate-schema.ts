// Writes schema/stagecraft.schema.json from the valibot schema: `npm run schema`.
import { writeFileSync } from "node:fs";
import { stagecraftJsonSchema } from "./json-schema.ts";

const target = new URL("../schema/stagecraft.schema.json", import.meta.url);
writeFileSync(target, `${JSON.stringify(stagecraftJsonSchema(), null, 2)}\n`);
console.error(`wrote ${target.pathname}`);
