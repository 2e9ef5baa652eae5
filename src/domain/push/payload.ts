// The JSON a push carries, as Mastodon's Web::NotificationSerializer: the subscription's
// access token, the user's locale, the notification's id and type, the sender's avatar, a
// title and up to 140 characters of body (the content warning, else the post, else the
// sender's bio; for a moderation warning, the moderator's text), with tags stripped.
import type { Context } from "../context.ts";
import type { NotificationRow } from "../notifications/queries.ts";
import { openToken } from "./sealed-token.ts";
import type { SubscriptionRow } from "./subscriptions.ts";

const TITLES: Record<string, (name: string) => string> = {
  mention: (name) => `You were mentioned by ${name}`,
  status: (name) => `${name} just posted`,
  reblog: (name) => `${name} boosted your post`,
  follow: (name) => `${name} is now following you`,
  follow_request: (name) => `Pending follower: ${name}`,
  favourite: (name) => `${name} favorited your post`,
  poll: (name) => `A poll by ${name} has ended`,
  update: (name) => `${name} edited a post`,
  "admin.sign_up": (name) => `${name} signed up`,
  "admin.report": (name) => `${name} submitted a report`,
  // Mastodon's web client words it so; the notification comes "from" the warned account.
  moderation_warning: () => "You have received a moderation warning",
};

const BODY_LENGTH = 140;

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function plainText(html: string): string {
  return html
    .replace(/<br\s*\/?>|<\/p>\s*<p[^>]*>/gi, " ")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === "#") {
        const code =
          name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : Number(name.slice(1));
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .trim();
}

/** Rails' `truncate`: at most `length` characters, the last three "..." when cut. */
export function truncate(text: string, length = BODY_LENGTH): string {
  const chars = [...text];
  return chars.length <= length ? text : `${chars.slice(0, length - 3).join("")}...`;
}

/** The payload for `n` to `subscription`, or null when its sender is gone. */
export async function pushPayload(
  ctx: Context,
  subscription: SubscriptionRow,
  n: NotificationRow,
): Promise<string | null> {
  const { kysely } = ctx.db;
  const sender = n.from_account_id
    ? await kysely
        .selectFrom("accounts")
        .select(["username", "display_name", "avatar_url", "suspended_at", "note"])
        .where("id", "=", n.from_account_id)
        .executeTakeFirst()
    : undefined;
  if (!sender) return null;
  const user = await kysely
    .selectFrom("users")
    .select("locale")
    .where("account_id", "=", n.account_id)
    .executeTakeFirst();
  let source = sender.note;
  if (n.status_id) {
    const status = await kysely
      .selectFrom("statuses as s")
      .leftJoin("statuses as o", "o.id", "s.reblog_of_id")
      .select([
        "s.spoiler_text",
        "s.text",
        "s.content",
        "o.spoiler_text as o_spoiler_text",
        "o.text as o_text",
        "o.content as o_content",
      ])
      .where("s.id", "=", n.status_id)
      .executeTakeFirst();
    if (status) {
      // A reblog notification is about the reblogged original.
      const [spoiler, text, content] =
        n.type === "reblog" && status.o_content !== null
          ? [status.o_spoiler_text, status.o_text, status.o_content]
          : [status.spoiler_text, status.text, status.content];
      source = spoiler || text || content || "";
    }
  }
  if (n.type === "moderation_warning" && n.account_warning_id) {
    const warning = await kysely
      .selectFrom("account_warnings")
      .select("text")
      .where("id", "=", n.account_warning_id)
      .executeTakeFirst();
    source = warning?.text ?? "";
  }
  const name = sender.display_name || sender.username;
  // The avatar as the Account entity shows it (http/entities/account.ts).
  const icon =
    (!sender.suspended_at && sender.avatar_url) || `${ctx.config.origin}/static/avatar.png`;
  const fields: [string, string][] = [
    ["access_token", openToken(ctx.config.secretKey, subscription.sealed_token) ?? ""],
    ["preferred_locale", user?.locale || "en"],
    ["notification_id", n.id],
    ["notification_type", n.type],
    ["icon", icon],
    ["title", (TITLES[n.type] ?? ((who: string) => who))(name)],
    ["body", truncate(plainText(source))],
  ];
  // Mastodon writes the notification's id as a JSON number; written from the digits, it keeps
  // every one of them for clients that read it as a 64-bit integer.
  return `{${fields
    .map(
      ([key, value]) =>
        `${JSON.stringify(key)}:${key === "notification_id" ? BigInt(value).toString() : JSON.stringify(value)}`,
    )
    .join(",")}}`;
}
