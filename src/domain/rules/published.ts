// The rules members read (about page, /api/v1/instance and /instance/rules): the server rules,
// with each public policy rule shown with the server rule it `enforces` (named by id or exact
// text) as "Checked automatically: …", or as a rule of its own when it names none. Rules not
// marked public (say, anti-spam ones on incoming posts) stay private.
import type { Context } from "../context.ts";
import { listServerRules, type ServerRule } from "../server-rules.ts";
import { rulesInForce } from "./in-force.ts";

export async function rulesForMembers(ctx: Context): Promise<ServerRule[]> {
  const serverRules = (await listServerRules(ctx)).map((r) => ({ ...r }));
  const policy = rulesInForce(ctx.config);
  const published = [
    ...policy.local.map((rule) => ({ rule, hint: "Checked automatically when you post." })),
    ...policy.incoming.map((rule) => ({
      rule,
      hint: "Checked automatically on posts from other servers.",
    })),
  ].filter(({ rule }) => rule.public);
  let position = serverRules.reduce((max, r) => Math.max(max, r.position), -1);
  for (const { rule, hint } of published) {
    const text = rule.summary ?? rule.message;
    const linked = serverRules.find((r) => r.id === rule.enforces || r.text === rule.enforces);
    if (linked) {
      const note = `Checked automatically: ${text}`;
      linked.hint = linked.hint ? `${linked.hint}\n${note}` : note;
    } else {
      position += 1;
      serverRules.push({
        id: `policy-${rule.id}`,
        text,
        hint,
        position,
        created_at: "",
      });
    }
  }
  return serverRules;
}
