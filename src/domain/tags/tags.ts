// Hashtags as the API shows them (Mastodon's Tag entity): the name, the last week's public
// use, and whether the viewer follows or features it. A well-formed name nobody used yet is a
// tag without an ID rather than "not found", as Mastodon answers GET /api/v1/tags/:name.
import { newId } from "../../db/ids.ts";
import type { Context } from "../context.ts";
import { notFound, validation } from "../errors.ts";
import { extractHashtagEntities } from "../statuses/entities.ts";
import { ensureTags } from "../statuses/tags.ts";
import type { Viewer } from "../viewer.ts";

const MAX_TAG_LENGTH = 100;
const HISTORY_DAYS = 7;
const DAY_MS = 86_400_000;

export interface TagHistoryDay {
  /** UNIX time of the day's start (UTC), in seconds */
  day: number;
  uses: number;
  accounts: number;
}

export interface TagView {
  /** null for a tag nobody used yet */
  id: string | null;
  name: string;
  history: TagHistoryDay[];
  /** null without a signed-in viewer */
  following: boolean | null;
  featuring: boolean | null;
}

/** Does `name` (without the `#`) match Mastodon's HASHTAG_NAME_RE? */
export function isTagName(name: string): boolean {
  if (name.length === 0 || name.length > MAX_TAG_LENGTH) return false;
  const [entity, ...rest] = extractHashtagEntities(`#${name}`);
  return rest.length === 0 && entity?.name === name;
}

function checkName(raw: string): string {
  const name = raw.replace(/^#/, "");
  if (!isTagName(name)) throw validation("Validation failed: Name is not a valid hashtag");
  return name;
}

/** The tag's ID if it exists (names match case-insensitively), else null. */
async function findTag(ctx: Context, name: string) {
  return (
    (await ctx.db.kysely
      .selectFrom("tags")
      .select(["id", "name"])
      .where((eb) => eb(eb.fn("lower", ["name"]), "=", name.toLowerCase()))
      .executeTakeFirst()) ?? null
  );
}

/** The tag with this name, created if new; a malformed name is a validation error. */
export async function tagForWriting(
  ctx: Context,
  raw: string,
): Promise<{ id: string; name: string }> {
  const name = checkName(raw);
  const existing = await findTag(ctx, name);
  if (existing) return existing;
  const [id] = await ensureTags(ctx, [name]);
  return { id: id!, name };
}

/** GET /api/v1/tags/:name: a malformed name is "not found". */
export async function lookUpTag(
  ctx: Context,
  viewer: Viewer | null,
  raw: string,
): Promise<TagView> {
  const name = raw.replace(/^#/, "");
  if (!isTagName(name)) throw notFound();
  const tag = await findTag(ctx, name);
  if (!tag)
    return {
      id: null,
      name,
      history: emptyHistory(),
      following: viewer ? false : null,
      featuring: viewer ? false : null,
    };
  const [view] = await tagViews(ctx, viewer, [tag]);
  return view!;
}

function dayStarts(): number[] {
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  return Array.from({ length: HISTORY_DAYS }, (_, i) => today - i * DAY_MS);
}

const emptyHistory = () => dayStarts().map((d) => ({ day: d / 1000, uses: 0, accounts: 0 }));

/** Views of these tags, in order: the week's public use and the viewer's flags. */
export async function tagViews(
  ctx: Context,
  viewer: Viewer | null,
  tags: readonly { id: string; name: string }[],
): Promise<TagView[]> {
  if (tags.length === 0) return [];
  const { kysely } = ctx.db;
  const ids = tags.map((t) => t.id);
  const days = dayStarts();
  const since = new Date(days[days.length - 1]!).toISOString();
  // Public statuses only, so the counts tell nothing of posts a viewer may not see.
  const usage = await kysely
    .selectFrom("status_tags as st")
    .innerJoin("statuses as s", "s.id", "st.status_id")
    .select((eb) => [
      "st.tag_id",
      eb.fn<string>("substr", ["s.created_at", eb.lit(1), eb.lit(10)]).as("day"),
      eb.fn.countAll().as("uses"),
      eb.fn.count("s.account_id").distinct().as("accounts"),
    ])
    .where("st.tag_id", "in", ids)
    .where("s.visibility", "=", "public")
    .where("s.reblog_of_id", "is", null)
    .where("s.created_at", ">=", since)
    .groupBy(["st.tag_id", "day"])
    .execute();
  const used = new Map(usage.map((u) => [`${u.tag_id} ${u.day}`, u]));
  const flagged = async (table: "tag_follows" | "featured_tags") =>
    viewer
      ? new Set(
          (
            await kysely
              .selectFrom(table)
              .select("tag_id")
              .where("account_id", "=", viewer.accountId)
              .where("tag_id", "in", ids)
              .execute()
          ).map((r) => r.tag_id),
        )
      : null;
  const [following, featuring] = [await flagged("tag_follows"), await flagged("featured_tags")];
  return tags.map((t) => ({
    id: t.id,
    name: t.name,
    history: days.map((d) => {
      const u = used.get(`${t.id} ${new Date(d).toISOString().slice(0, 10)}`);
      return { day: d / 1000, uses: Number(u?.uses ?? 0), accounts: Number(u?.accounts ?? 0) };
    }),
    following: following ? following.has(t.id) : null,
    featuring: featuring ? featuring.has(t.id) : null,
  }));
}

/** Records that an account follows or features a tag; doing it twice keeps one row. */
export async function markTag(
  ctx: Context,
  table: "tag_follows" | "featured_tags",
  accountId: string,
  tagId: string,
): Promise<void> {
  await ctx.db.kysely
    .insertInto(table)
    .values({
      id: newId(),
      account_id: accountId,
      tag_id: tagId,
      created_at: new Date().toISOString(),
    })
    .onConflict((oc) => oc.columns(["account_id", "tag_id"]).doNothing())
    .execute();
}

export async function unmarkTag(
  ctx: Context,
  table: "tag_follows" | "featured_tags",
  accountId: string,
  tagId: string,
): Promise<void> {
  await ctx.db.kysely
    .deleteFrom(table)
    .where("account_id", "=", accountId)
    .where("tag_id", "=", tagId)
    .execute();
}
