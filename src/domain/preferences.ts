// A user's posting and reading preferences, as GET /api/v1/preferences reports them.
import type { Visibility } from "../db/schema.ts";
import type { Context } from "./context.ts";
import { notFound } from "./errors.ts";
import type { Viewer } from "./viewer.ts";

export interface Preferences {
  defaultVisibility: Visibility;
  defaultSensitive: boolean;
  defaultLanguage: string | null;
  defaultQuotePolicy: string;
  /** Kith has no reading settings yet: media follow the sensitive flag, spoilers stay shut. */
  expandMedia: "default" | "show_all" | "hide_all";
  expandSpoilers: boolean;
}

const VISIBILITIES = new Set(["public", "unlisted", "private", "direct"]);

export async function loadPreferences(ctx: Context, viewer: Viewer): Promise<Preferences> {
  const user = await ctx.db.kysely
    .selectFrom("users")
    .select(["default_visibility", "default_sensitive", "default_language", "default_quote_policy"])
    .where("id", "=", viewer.userId)
    .executeTakeFirst();
  if (!user) throw notFound();
  return {
    defaultVisibility: VISIBILITIES.has(user.default_visibility)
      ? (user.default_visibility as Visibility)
      : "public",
    defaultSensitive: user.default_sensitive === 1,
    defaultLanguage: user.default_language || null,
    defaultQuotePolicy: user.default_quote_policy,
    expandMedia: "default",
    expandSpoilers: false,
  };
}
