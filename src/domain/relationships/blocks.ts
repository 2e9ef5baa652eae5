// Blocking, as Mastodon's BlockService, AfterBlockService and UnblockService. A block ends the
// follows between the two accounts the way Mastodon does, so a remote account hears of each:
// the blocker's own follow or request is undone (Undo{Follow}), the other's follow or request
// is rejected (Reject{Follow}), and the Block itself goes (block.created, recorded in the same
// transaction as the block row, so neither exists without the other; the receiving server
// ends the follows on a Block anyway, whichever arrives first). What stays hidden afterwards
// is the visibility rule's and the exclusions' business.
import { newId } from "../../db/ids.ts";
import { type Context, inTransaction } from "../context.ts";
import { DomainError, validation } from "../errors.ts";
import { emitDomainEvent } from "../events.ts";
import { forgetNotificationsFrom } from "../notifications/notify.ts";
import type { Page } from "../pagination.ts";
import { removeFromHomeFeedOnBlock } from "../timelines/home-feed.ts";
import type { Viewer } from "../viewer.ts";
import { rejectFollowRequest, removeFromFollowers, unfollow } from "./follow.ts";
import { type AccountPage, pageOfAccounts } from "./lists.ts";

export const SELF_BLOCK_ERROR = "Validation failed: You cannot block yourself";

const blockFacts = (row: {
  id: string;
  account_id: string;
  target_account_id: string;
  uri: string | null;
}) => ({
  blockId: row.id,
  accountId: row.account_id,
  targetId: row.target_account_id,
  uri: row.uri,
});

/** `accountId` blocks `targetId`. Blocking again changes nothing and sends nothing. */
export async function block(ctx: Context, accountId: string, targetId: string): Promise<void> {
  if (accountId === targetId) throw validation(SELF_BLOCK_ERROR);
  const row = {
    id: newId(),
    account_id: accountId,
    target_account_id: targetId,
    // Local blocks carry no id; the outbox derives the Block's id from the row's.
    uri: null,
    created_at: new Date().toISOString(),
  };
  // The block first (committed), so a follow racing with it is refused rather than left standing.
  await inTransaction(ctx, async (tctx) => {
    const inserted = await tctx.db.kysely
      .insertInto("blocks")
      .values(row)
      .onConflict((oc) => oc.columns(["account_id", "target_account_id"]).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0)
      await emitDomainEvent(tctx, { type: "block.created", ...blockFacts(row) });
  });
  await unfollow(ctx, accountId, targetId);
  await removeFromFollowers(ctx, accountId, targetId);
  try {
    await rejectFollowRequest(ctx, targetId, accountId);
  } catch (error) {
    // No request was pending.
    if (!(error instanceof DomainError && error.kind === "not_found")) throw error;
  }
  await removeFromHomeFeedOnBlock(ctx, accountId, targetId);
  await forgetNotificationsFrom(ctx, accountId, { accountId: targetId });
}

/** Lifts the block, if there is one (Undo{Block} to a remote target). */
export async function unblock(ctx: Context, accountId: string, targetId: string): Promise<void> {
  await inTransaction(ctx, async (tctx) => {
    const [deleted] = await tctx.db.kysely
      .deleteFrom("blocks")
      .where("account_id", "=", accountId)
      .where("target_account_id", "=", targetId)
      .returning(["id", "account_id", "target_account_id", "uri"])
      .execute();
    if (deleted) await emitDomainEvent(tctx, { type: "block.removed", ...blockFacts(deleted) });
  });
}

/** The accounts the viewer blocks, newest block first, paged by the block row's ID. */
export async function listBlocks(ctx: Context, viewer: Viewer, page: Page): Promise<AccountPage> {
  const q = ctx.db.kysely
    .selectFrom("blocks as b")
    .innerJoin("accounts as a", "a.id", "b.target_account_id")
    .selectAll("a")
    .select("b.id as row_id")
    .where("b.account_id", "=", viewer.accountId)
    .where("a.suspended_at", "is", null);
  return pageOfAccounts(q, "b.id", page);
}
