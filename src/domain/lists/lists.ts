// A user's lists, as Mastodon's: a title, which replies the list timeline shows
// (`replies_policy`) and whether its members leave the home timeline (`exclusive`). A list is
// its owner's alone: anyone else's list is "not found".
import type { Selectable } from "kysely";
import { isId, newId } from "../../db/ids.ts";
import type { ListsTable, RepliesPolicy } from "../../db/schema.ts";
import type { Context } from "../context.ts";
import { notFound, validation } from "../errors.ts";
import type { Viewer } from "../viewer.ts";

export type ListRow = Selectable<ListsTable>;

export const REPLIES_POLICIES: readonly RepliesPolicy[] = ["followed", "list", "none"];
/** Mastodon's List::PER_ACCOUNT_LIMIT. */
export const LISTS_PER_ACCOUNT = 50;
/** Mastodon sets no bound; this keeps a title a title. */
export const MAX_TITLE_LENGTH = 256;

export interface ListInput {
  title?: string;
  repliesPolicy?: RepliesPolicy;
  exclusive?: boolean;
}

function checkTitle(title: string): string {
  const trimmed = title.trim();
  if (trimmed === "") throw validation("Validation failed: Title can't be blank");
  if ([...trimmed].length > MAX_TITLE_LENGTH)
    throw validation(
      `Validation failed: Title is too long (maximum is ${MAX_TITLE_LENGTH} characters)`,
    );
  return trimmed;
}

export async function listLists(ctx: Context, viewer: Viewer): Promise<ListRow[]> {
  return ctx.db.kysely
    .selectFrom("lists")
    .selectAll()
    .where("account_id", "=", viewer.accountId)
    .orderBy("id", "asc")
    .execute();
}

/** The viewer's own list, else "not found" (someone else's list does not exist for them). */
export async function getOwnList(ctx: Context, viewer: Viewer, id: string): Promise<ListRow> {
  if (!isId(id)) throw notFound();
  const row = await ctx.db.kysely
    .selectFrom("lists")
    .selectAll()
    .where("id", "=", id)
    .where("account_id", "=", viewer.accountId)
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function createList(ctx: Context, viewer: Viewer, input: ListInput) {
  const title = checkTitle(input.title ?? "");
  const count = await ctx.db.kysely
    .selectFrom("lists")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("account_id", "=", viewer.accountId)
    .executeTakeFirst();
  if (Number(count?.n ?? 0) >= LISTS_PER_ACCOUNT)
    throw validation(`Validation failed: You cannot have more than ${LISTS_PER_ACCOUNT} lists`);
  const now = new Date().toISOString();
  const row: ListRow = {
    id: newId(),
    account_id: viewer.accountId,
    title,
    replies_policy: input.repliesPolicy ?? "list",
    exclusive: input.exclusive ? 1 : 0,
    created_at: now,
    updated_at: now,
  };
  await ctx.db.kysely.insertInto("lists").values(row).execute();
  return row;
}

export async function updateList(
  ctx: Context,
  viewer: Viewer,
  id: string,
  input: ListInput,
): Promise<ListRow> {
  const list = await getOwnList(ctx, viewer, id);
  const changes = {
    title: input.title === undefined ? list.title : checkTitle(input.title),
    replies_policy: input.repliesPolicy ?? list.replies_policy,
    exclusive: input.exclusive === undefined ? list.exclusive : input.exclusive ? 1 : 0,
    updated_at: new Date().toISOString(),
  };
  await ctx.db.kysely.updateTable("lists").set(changes).where("id", "=", list.id).execute();
  return { ...list, ...changes };
}

/** Deletes the list; its members go with it (foreign key). */
export async function deleteList(ctx: Context, viewer: Viewer, id: string): Promise<void> {
  const list = await getOwnList(ctx, viewer, id);
  await ctx.db.kysely.deleteFrom("lists").where("id", "=", list.id).execute();
}

/** The viewer's lists that hold `accountId` (GET /api/v1/accounts/:id/lists). */
export async function listsContaining(
  ctx: Context,
  viewer: Viewer,
  accountId: string,
): Promise<ListRow[]> {
  return ctx.db.kysely
    .selectFrom("lists as l")
    .innerJoin("list_accounts as la", "la.list_id", "l.id")
    .selectAll("l")
    .where("l.account_id", "=", viewer.accountId)
    .where("la.account_id", "=", accountId)
    .orderBy("l.id", "asc")
    .execute();
}
