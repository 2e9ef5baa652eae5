// An account's statuses (its profile), as the viewer may see them.
import { getAccount } from "../accounts/queries.ts";
import type { Context } from "../context.ts";
import { applyPage, type Page } from "../pagination.ts";
import { findTagIds } from "../statuses/tags.ts";
import type { Viewer } from "../viewer.ts";
import { visibleStatusFilter } from "../visibility.ts";
import { EMPTY_PAGE, type TimelinePage, toTimelinePage } from "./page.ts";

export interface AccountStatusesOptions {
  pinned?: boolean;
  excludeReplies?: boolean;
  excludeReblogs?: boolean;
  onlyMedia?: boolean;
  tagged?: string;
}

export async function accountStatuses(
  ctx: Context,
  viewer: Viewer | null,
  accountId: string,
  options: AccountStatusesOptions,
  page: Page,
): Promise<TimelinePage> {
  const account = await getAccount(ctx, accountId);
  let query = ctx.db.kysely
    .selectFrom("statuses as s")
    .selectAll("s")
    .where("s.account_id", "=", account.id)
    .where(visibleStatusFilter(viewer, "s"));
  if (options.pinned) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom("status_pins as p")
          .select("p.id")
          .whereRef("p.status_id", "=", "s.id")
          .where("p.account_id", "=", account.id),
      ),
    );
  }
  if (options.excludeReplies) {
    // Threads of one's own posts stay, as in Mastodon.
    query = query.where((eb) =>
      eb.or([eb("s.in_reply_to_id", "is", null), eb("s.in_reply_to_account_id", "=", account.id)]),
    );
  }
  if (options.excludeReblogs) query = query.where("s.reblog_of_id", "is", null);
  if (options.onlyMedia)
    query = query.where((eb) =>
      eb.exists(
        eb.selectFrom("media_attachments as m").select("m.id").whereRef("m.status_id", "=", "s.id"),
      ),
    );
  if (options.tagged) {
    const tagIds = await findTagIds(ctx, [options.tagged]);
    if (tagIds.length === 0) return EMPTY_PAGE;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom("status_tags as st")
          .select("st.tag_id")
          .whereRef("st.status_id", "=", "s.id")
          .where("st.tag_id", "in", tagIds),
      ),
    );
  }
  const rows = await applyPage(query, "s.id", page).execute();
  return toTimelinePage(ctx, viewer, rows, page, { filterContext: "account" });
}
