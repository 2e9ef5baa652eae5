// Notifications are for local people: a remote author hears of a favourite or reblog through
// federation, not through a row in our notifications table.
import type { Context } from "../context.ts";
import { type NewNotification, notify } from "../notifications/notify.ts";

export async function notifyIfLocal(ctx: Context, n: NewNotification): Promise<void> {
  const recipient = await ctx.db.kysely
    .selectFrom("accounts")
    .select("domain")
    .where("id", "=", n.recipientId)
    .executeTakeFirst();
  if (recipient && recipient.domain === null) await notify(ctx, n);
}
