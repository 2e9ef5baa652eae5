// The public (federated/local) and hashtag timelines: public statuses only, no reblogs, the
// viewer's blocks, mutes and blocked servers applied, limited accounts left out unless followed.
import type { ExpressionBuilder } from "kysely";
import type { StatusesTable } from "../../db/schema.ts";
import type { Context } from "../context.ts";
import { applyPage, type Page } from "../pagination.ts";
import { findTagIds } from "../statuses/tags.ts";
import type { Viewer } from "../viewer.ts";
import { visibleStatusFilter } from "../visibility.ts";
import { notFromBlockedServerFilter, notLimitedFilter, notMutedFilter } from "./filters.ts";
import { EMPTY_PAGE, type TimelinePage, toTimelinePage } from "./page.ts";

export interface PublicOptions {
  local?: boolean;
  remote?: boolean;
  onlyMedia?: boolean;
}

/** The public timelines' rule (before paging), as a query to refine; streaming asks it too. */
export function publicStatuses(ctx: Context, viewer: Viewer | null, options: PublicOptions) {
  let q = ctx.db.kysely
    .selectFrom("statuses as s")
    .selectAll("s")
    .where("s.visibility", "=", "public")
    .where("s.reblog_of_id", "is", null)
    .where(visibleStatusFilter(viewer, "s"))
    .where(notMutedFilter(viewer, "s"))
    .where(notLimitedFilter(viewer, "s"))
    .where(notFromBlockedServerFilter(viewer, "s"));
  if (options.local && !options.remote) q = q.where("s.local", "=", 1);
  if (options.remote && !options.local) q = q.where("s.local", "=", 0);
  if (options.onlyMedia)
    q = q.where((eb) =>
      eb.exists(
        eb.selectFrom("media_attachments as m").select("m.id").whereRef("m.status_id", "=", "s.id"),
      ),
    );
  return q;
}

export async function publicTimeline(
  ctx: Context,
  viewer: Viewer | null,
  options: PublicOptions,
  page: Page,
): Promise<TimelinePage> {
  const query = publicStatuses(ctx, viewer, options).where(notAReplyToOthers);
  const rows = await applyPage(query, "s.id", page).execute();
  return toTimelinePage(ctx, viewer, rows, page, { filterContext: "public" });
}

/** Mastodon leaves replies to other people out of the public timelines (not tag timelines). */
export const notAReplyToOthers = (eb: ExpressionBuilder<{ s: StatusesTable }, "s">) =>
  eb.or([
    eb("s.in_reply_to_id", "is", null),
    eb("s.in_reply_to_account_id", "=", eb.ref("s.account_id")),
  ]);

export interface TagOptions extends PublicOptions {
  any?: string[];
  all?: string[];
  none?: string[];
}

export async function tagTimeline(
  ctx: Context,
  viewer: Viewer | null,
  hashtag: string,
  options: TagOptions,
  page: Page,
): Promise<TimelinePage> {
  const anyIds = await findTagIds(ctx, [hashtag, ...(options.any ?? [])]);
  if (anyIds.length === 0) return EMPTY_PAGE;
  let query = publicStatuses(ctx, viewer, options).where((eb) =>
    eb.exists(
      eb
        .selectFrom("status_tags as st")
        .select("st.tag_id")
        .whereRef("st.status_id", "=", "s.id")
        .where("st.tag_id", "in", anyIds),
    ),
  );
  for (const name of options.all ?? []) {
    const ids = await findTagIds(ctx, [name]);
    if (ids.length === 0) return EMPTY_PAGE;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom("status_tags as sta")
          .select("sta.tag_id")
          .whereRef("sta.status_id", "=", "s.id")
          .where("sta.tag_id", "in", ids),
      ),
    );
  }
  const noneIds = await findTagIds(ctx, options.none ?? []);
  if (noneIds.length > 0) {
    query = query.where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("status_tags as stn")
            .select("stn.tag_id")
            .whereRef("stn.status_id", "=", "s.id")
            .where("stn.tag_id", "in", noneIds),
        ),
      ),
    );
  }
  const rows = await applyPage(query, "s.id", page).execute();
  return toTimelinePage(ctx, viewer, rows, page, { filterContext: "public" });
}
