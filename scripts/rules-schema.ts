// Writes docs/rules/schema.json, the published JSON Schema of policy files, from the zod schema
// Kith validates them with (src/domain/rules/schema.ts). Run after changing that schema:
//   node scripts/rules-schema.ts && npx biome format --write docs/rules/schema.json
// test/domain/rules/policy-files.test.ts fails while the two differ.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { rulesJsonSchema } from "../src/domain/rules/json-schema.ts";

const file = join(import.meta.dirname, "..", "docs", "rules", "schema.json");
writeFileSync(file, `${JSON.stringify(rulesJsonSchema(), null, 2)}\n`);
console.log(`Wrote ${file}`);
