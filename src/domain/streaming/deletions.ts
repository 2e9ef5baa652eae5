// Telling streams that a status (and the reblogs going with it) is gone. Called before the
// rows are deleted, in the same transaction, since the home feeds that held them go with
// them; as Mastodon, `delete` goes to those feeds' `user` streams and, for a public status, to
// the public and hashtag streams and to lists holding its author, without further checks
// (an ID reveals nothing).
import type { Context } from "../context.ts";
import type { StatusRow } from "../statuses/queries.ts";
import { mayHaveStreamListeners, publishStream } from "./bus.ts";
import type { TimelineFacts } from "./messages.ts";

export async function streamDeletion(
  ctx: Context,
  status: StatusRow,
  reblogs: readonly StatusRow[],
): Promise<void> {
  if (!mayHaveStreamListeners(ctx)) return;
  const { kysely } = ctx.db;
  for (const row of [...reblogs, status]) {
    const holders = await kysely
      .selectFrom("home_feed")
      .select("account_id")
      .where("status_id", "=", row.id)
      .execute();
    // Lists may have carried any status but a direct one; public and hashtag streams only
    // public originals.
    let timelines: TimelineFacts | undefined;
    if (row.visibility !== "direct") {
      const isPublic = row.visibility === "public" && !row.reblog_of_id;
      const tags = isPublic
        ? await kysely
            .selectFrom("status_tags as st")
            .innerJoin("tags as t", "t.id", "st.tag_id")
            .select("t.name")
            .where("st.status_id", "=", row.id)
            .limit(50)
            .execute()
        : [];
      timelines = {
        authorId: row.account_id,
        public: isPublic,
        local: row.local === 1,
        tags: tags.map((t) => t.name.toLowerCase()),
      };
    }
    if (holders.length === 0 && !timelines) continue;
    await publishStream(ctx, {
      kind: "delete",
      statusId: row.id,
      homes: holders.map((h) => h.account_id),
      ...(timelines ? { timelines } : {}),
    });
  }
}
