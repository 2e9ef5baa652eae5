// This instance's own custom emojis (those with no domain), for the emoji picker of clients.
import type { Selectable } from "kysely";
import type { CustomEmojisTable } from "../db/schema.ts";
import type { Context } from "./context.ts";

export type CustomEmoji = Selectable<CustomEmojisTable>;

/**
 * Every local emoji, by shortcode. As Mastodon, emojis hidden from the picker are listed too,
 * flagged `visible_in_picker: false`, so clients can still render them in posts.
 */
export async function listLocalEmojis(ctx: Context): Promise<CustomEmoji[]> {
  return ctx.db.kysely
    .selectFrom("custom_emojis")
    .selectAll()
    .where("domain", "is", null)
    .orderBy("shortcode")
    .execute();
}
