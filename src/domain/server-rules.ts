// The instance's rules (Mastodon's server rules): an ordered list of short texts with an
// optional longer hint, shown on the about page, in the instance API and at sign-up. Admins
// change them through /api/v1/admin/server_rules and `kith server-rules`; every change is
// recorded in the audit log in its transaction (`actorId` null: the operator at the CLI).
import type { Selectable } from "kysely";
import { isId, newId } from "../db/ids.ts";
import type { ServerRulesTable } from "../db/schema.ts";
import { type Context, inTransaction } from "./context.ts";
import { notFound, validation } from "./errors.ts";
import { recordAudit } from "./moderation/audit.ts";

export type ServerRule = Selectable<ServerRulesTable>;

/** Mastodon's limit on a rule's text; the hint is the place for anything longer. */
export const RULE_TEXT_LIMIT = 300;
export const RULE_HINT_LIMIT = 2000;

export async function listServerRules(ctx: Context): Promise<ServerRule[]> {
  return ctx.db.kysely
    .selectFrom("server_rules")
    .selectAll()
    .orderBy("position")
    .orderBy("id")
    .execute();
}

function checked(text: string | undefined, hint: string | undefined) {
  const t = text?.trim();
  const h = hint?.trim();
  if (t !== undefined && t === "") throw validation("Validation failed: Text can't be blank");
  if (t !== undefined && [...t].length > RULE_TEXT_LIMIT)
    throw validation(
      `Validation failed: Text is too long (maximum is ${RULE_TEXT_LIMIT} characters)`,
    );
  if (h !== undefined && [...h].length > RULE_HINT_LIMIT)
    throw validation(
      `Validation failed: Hint is too long (maximum is ${RULE_HINT_LIMIT} characters)`,
    );
  return { text: t, hint: h };
}

/** Adds a rule at the end of the list (or at `position` when given). */
export async function addServerRule(
  ctx: Context,
  input: { text: string; hint?: string; position?: number },
  actorId: string | null = null,
): Promise<ServerRule> {
  const { text, hint } = checked(input.text, input.hint ?? "");
  return inTransaction(ctx, async (tctx) => {
    let position = input.position;
    if (position === undefined) {
      const last = await tctx.db.kysely
        .selectFrom("server_rules")
        .select((eb) => eb.fn.max("position").as("max"))
        .executeTakeFirst();
      position = last?.max == null ? 0 : Number(last.max) + 1;
    }
    const row = {
      id: newId(),
      text: text!,
      hint: hint ?? "",
      position,
      created_at: new Date().toISOString(),
    };
    await tctx.db.kysely.insertInto("server_rules").values(row).execute();
    await audit(tctx, actorId, "create", row, { hint: row.hint, position });
    return row;
  });
}

function audit(
  ctx: Context,
  actorId: string | null,
  verb: "create" | "update" | "destroy",
  rule: { id: string; text: string },
  detail: Record<string, unknown> = {},
) {
  return recordAudit(ctx, {
    accountId: actorId,
    action: `server_rule.${verb}`,
    targetType: "server_rule",
    targetId: rule.id,
    targetLabel: rule.text,
    detail,
  });
}

export async function getServerRule(ctx: Context, id: string): Promise<ServerRule> {
  if (!isId(id)) throw notFound();
  const row = await ctx.db.kysely
    .selectFrom("server_rules")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function updateServerRule(
  ctx: Context,
  id: string,
  changes: { text?: string; hint?: string; position?: number },
  actorId: string | null = null,
): Promise<ServerRule> {
  const current = await getServerRule(ctx, id);
  const { text, hint } = checked(changes.text, changes.hint);
  const next = {
    text: text ?? current.text,
    hint: hint ?? current.hint,
    position: changes.position ?? current.position,
  };
  await inTransaction(ctx, async (tctx) => {
    await tctx.db.kysely.updateTable("server_rules").set(next).where("id", "=", id).execute();
    await audit(
      tctx,
      actorId,
      "update",
      { id, text: next.text },
      {
        ...(next.text !== current.text ? { previous_text: current.text } : {}),
        hint: next.hint,
        position: next.position,
      },
    );
  });
  return { ...current, ...next };
}

export async function removeServerRule(
  ctx: Context,
  id: string,
  actorId: string | null = null,
): Promise<void> {
  const current = await getServerRule(ctx, id);
  await inTransaction(ctx, async (tctx) => {
    await tctx.db.kysely.deleteFrom("server_rules").where("id", "=", id).execute();
    await audit(tctx, actorId, "destroy", current);
  });
}
