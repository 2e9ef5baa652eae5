// The JSON Schema of policy files, as published in docs/rules/schema.json (for editors and
// other tools; Kith itself validates with the zod schema it is made from).
import { z } from "zod";
import { policySchema } from "./schema.ts";

export function rulesJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(policySchema, { io: "input", target: "draft-2020-12" }),
    $id: "https://kith.social/schemas/rules.json",
    title: "Kith instance rules",
  };
}
