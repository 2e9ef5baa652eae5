// Private notes about other accounts (Relationship.note). A blank comment removes the note.
import type { Context } from "../context.ts";
import { validation } from "../errors.ts";

export const NOTE_MAX_LENGTH = 2000;

export async function setAccountNote(
  ctx: Context,
  accountId: string,
  targetId: string,
  comment: string,
): Promise<void> {
  const { kysely } = ctx.db;
  if (comment.trim() === "") {
    await kysely
      .deleteFrom("account_notes")
      .where("account_id", "=", accountId)
      .where("target_account_id", "=", targetId)
      .execute();
    return;
  }
  if ([...comment].length > NOTE_MAX_LENGTH)
    throw validation(
      `Validation failed: Comment is too long (maximum is ${NOTE_MAX_LENGTH} characters)`,
    );
  const now = new Date().toISOString();
  await kysely
    .insertInto("account_notes")
    .values({ account_id: accountId, target_account_id: targetId, comment, updated_at: now })
    .onConflict((oc) =>
      oc.columns(["account_id", "target_account_id"]).doUpdateSet({ comment, updated_at: now }),
    )
    .execute();
}
