// A status's conversation: the replies above it (oldest first) and below it (depth first, in
// posting order), each filtered through the visibility rule, the viewer's mutes and their
// filters of the "thread" context (hide leaves a status out). The thread's
// shape is read once from its rows (thread_id is the root's ID), then only visible rows load.
import type { Context } from "../context.ts";
import { literalLimit } from "../pagination.ts";
import { notMutedFilter } from "../timelines/filters.ts";
import type { Viewer } from "../viewer.ts";
import { visibleStatusFilter } from "../visibility.ts";
import { findVisibleStatus } from "./queries.ts";
import { loadStatusViews, type StatusView } from "./views.ts";

// Mastodon's limits: anonymous readers get a short thread, signed-in ones (nearly) all of it.
const ANONYMOUS = { ancestors: 40, descendants: 60, depth: 20 };
const SIGNED_IN = { ancestors: 4096, descendants: 4096, depth: 4096 };
const MAX_THREAD_ROWS = 20_000;

export interface StatusContext {
  ancestors: StatusView[];
  descendants: StatusView[];
}

export async function statusContext(
  ctx: Context,
  viewer: Viewer | null,
  id: string,
): Promise<StatusContext> {
  const { kysely } = ctx.db;
  const status = await findVisibleStatus(ctx, viewer, id);
  const limits = viewer ? SIGNED_IN : ANONYMOUS;

  const shape = await kysely
    .selectFrom("statuses")
    .select(["id", "in_reply_to_id"])
    .where("thread_id", "=", status.thread_id)
    .where("reblog_of_id", "is", null)
    .orderBy("id")
    .limit(literalLimit(MAX_THREAD_ROWS))
    .execute();
  const parentOf = new Map(shape.map((r) => [r.id, r.in_reply_to_id]));
  const children = new Map<string, string[]>();
  for (const r of shape) {
    if (!r.in_reply_to_id) continue;
    const list = children.get(r.in_reply_to_id);
    if (list) list.push(r.id);
    else children.set(r.in_reply_to_id, [r.id]);
  }

  const ancestorIds: string[] = [];
  let parent = status.in_reply_to_id;
  while (parent && ancestorIds.length < limits.ancestors && !ancestorIds.includes(parent)) {
    ancestorIds.unshift(parent);
    let next = parentOf.get(parent);
    if (next === undefined) {
      // A parent outside the thread's rows (e.g. a thread that joined another): follow it.
      const row = await kysely
        .selectFrom("statuses")
        .select("in_reply_to_id")
        .where("id", "=", parent)
        .executeTakeFirst();
      next = row?.in_reply_to_id ?? null;
    }
    parent = next;
  }

  const descendantIds: string[] = [];
  const walk = (from: string, depth: number) => {
    for (const child of children.get(from) ?? []) {
      if (descendantIds.length >= limits.descendants) return;
      descendantIds.push(child);
      if (depth + 1 < limits.depth) walk(child, depth + 1);
    }
  };
  walk(status.id, 0);

  const visible = async (ids: string[]) => {
    if (ids.length === 0) return [];
    const rows = await kysely
      .selectFrom("statuses as s")
      .selectAll("s")
      .where("s.id", "in", ids)
      .where(visibleStatusFilter(viewer, "s"))
      .where(notMutedFilter(viewer, "s"))
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return loadStatusViews(
      ctx,
      viewer,
      ids.flatMap((i) => byId.get(i) ?? []),
      { filterContext: "thread" },
    );
  };
  return { ancestors: await visible(ancestorIds), descendants: await visible(descendantIds) };
}
