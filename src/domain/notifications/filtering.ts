// Whether a notification the recipient would otherwise get is accepted, filtered or dropped by
// their notification policy, as Mastodon's NotifyService (DropCondition, FilterCondition):
//
// - only mentions, reblogs, favourites, follows and follow requests are filterable (Mastodon's
//   Notification::PROPERTIES); new posts of followed accounts, polls, edits and admin
//   notifications always pass;
// - a sender the recipient accepted (a notification permission) always passes, and so does a
//   mention from a staff member who outranks the recipient;
// - the rules: `limited` (a silenced sender the recipient does not follow), `not_following`,
//   `not_followers` (no follow, or one younger than 3 days), `new_accounts` (younger than 30
//   days, not followed), `private_mentions` (a direct mention from someone not followed, not
//   in reply to the recipient's own direct mention of them up the thread);
// - any rule set to `drop` that matches drops it; otherwise any matching `filter` rule
//   filters it.
import type { Role } from "../../db/schema.ts";
import type { Context } from "../context.ts";
import type { NotificationType } from "./notify.ts";
import { getPolicy, type PolicyRule } from "./policy.ts";

export type Verdict = "accept" | "filter" | "drop";

export const FILTERABLE_TYPES: ReadonlySet<string> = new Set([
  "mention",
  "reblog",
  "follow",
  "follow_request",
  "favourite",
]);

const DAY = 86_400_000;
const NEW_ACCOUNT_DAYS = 30;
const NEW_FOLLOWER_DAYS = 3;
/** How far up a thread Mastodon looks for the recipient's own private mention of the sender. */
const THREAD_DEPTH_LIMIT = 100;
const RANK: Record<Role, number> = { user: 0, moderator: 1, admin: 2 };

export interface Candidate {
  type: NotificationType;
  recipientId: string;
  fromAccountId: string;
  statusId: string | null;
}

export async function policyVerdict(ctx: Context, n: Candidate): Promise<Verdict> {
  if (!FILTERABLE_TYPES.has(n.type)) return "accept";
  const { kysely } = ctx.db;
  const permitted = await kysely
    .selectFrom("notification_permissions")
    .select("id")
    .where("account_id", "=", n.recipientId)
    .where("from_account_id", "=", n.fromAccountId)
    .executeTakeFirst();
  if (permitted) return "accept";
  if (n.type === "mention" && (await outranks(ctx, n.fromAccountId, n.recipientId)))
    return "accept";

  const policy = await getPolicy(ctx, n.recipientId);
  const facts = new Facts(ctx, n);
  // Mastodon's order: limited accounts, not following, not followers, new accounts, mentions.
  const rules: [PolicyRule, () => Promise<boolean>][] = [
    ["for_limited_accounts", async () => (await facts.silenced()) && (await facts.notFollowing())],
    ["for_not_following", () => facts.notFollowing()],
    ["for_not_followers", () => facts.notFollower()],
    ["for_new_accounts", async () => (await facts.newAccount()) && (await facts.notFollowing())],
    [
      "for_private_mentions",
      async () => (await facts.notFollowing()) && (await facts.unsolicitedPrivateMention()),
    ],
  ];
  for (const action of ["drop", "filter"] as const) {
    for (const [rule, matches] of rules)
      if (policy[rule] === action && (await matches())) return action;
  }
  return "accept";
}

/** A local staff member of a higher role than the recipient (Mastodon's `bypass_block?`). */
async function outranks(ctx: Context, senderId: string, recipientId: string): Promise<boolean> {
  const roles = await ctx.db.kysely
    .selectFrom("users")
    .select(["account_id", "role"])
    .where("account_id", "in", [senderId, recipientId])
    .execute();
  const sender = roles.find((r) => r.account_id === senderId);
  const recipient = roles.find((r) => r.account_id === recipientId);
  return !!sender && !!recipient && RANK[sender.role] > RANK[recipient.role];
}

/** The facts the rules ask about, each looked up once and only when asked. */
class Facts {
  private readonly cache = new Map<string, Promise<boolean>>();
  private readonly ctx: Context;
  private readonly n: Candidate;
  constructor(ctx: Context, n: Candidate) {
    this.ctx = ctx;
    this.n = n;
  }

  private once(key: string, compute: () => Promise<boolean>): Promise<boolean> {
    let found = this.cache.get(key);
    if (!found) this.cache.set(key, (found = compute()));
    return found;
  }

  private sender() {
    return this.ctx.db.kysely
      .selectFrom("accounts")
      .select(["silenced_at", "created_at"])
      .where("id", "=", this.n.fromAccountId)
      .executeTakeFirst();
  }

  silenced() {
    return this.once("silenced", async () => !!(await this.sender())?.silenced_at);
  }

  newAccount() {
    return this.once("new", async () => {
      const sender = await this.sender();
      return !!sender && Date.parse(sender.created_at) > Date.now() - NEW_ACCOUNT_DAYS * DAY;
    });
  }

  notFollowing() {
    return this.once("notFollowing", async () => {
      const row = await this.ctx.db.kysely
        .selectFrom("follows")
        .select("id")
        .where("account_id", "=", this.n.recipientId)
        .where("target_account_id", "=", this.n.fromAccountId)
        .executeTakeFirst();
      return !row;
    });
  }

  notFollower() {
    return this.once("notFollower", async () => {
      const row = await this.ctx.db.kysely
        .selectFrom("follows")
        .select("created_at")
        .where("account_id", "=", this.n.fromAccountId)
        .where("target_account_id", "=", this.n.recipientId)
        .executeTakeFirst();
      return !row || Date.parse(row.created_at) > Date.now() - NEW_FOLLOWER_DAYS * DAY;
    });
  }

  unsolicitedPrivateMention() {
    return this.once("privateMention", async () => {
      if (this.n.type !== "mention" || !this.n.statusId) return false;
      const status = await this.status(this.n.statusId);
      if (status?.visibility !== "direct") return false;
      return !(await this.answersRecipient(status.in_reply_to_id));
    });
  }

  private status(id: string) {
    return this.ctx.db.kysely
      .selectFrom("statuses")
      .select(["id", "account_id", "in_reply_to_id", "visibility"])
      .where("id", "=", id)
      .executeTakeFirst();
  }

  /**
   * Whether, walking up from `parentId`, the first status that mentions the sender is the
   * recipient's own direct post (Mastodon's `response_to_recipient?`).
   */
  private async answersRecipient(parentId: string | null): Promise<boolean> {
    const seen = new Set<string>();
    let id = parentId;
    for (let depth = 0; id && depth <= THREAD_DEPTH_LIMIT && !seen.has(id); depth++) {
      seen.add(id);
      const status = await this.status(id);
      if (!status) return false;
      const byRecipient = status.account_id === this.n.recipientId;
      // Above the first parent only the recipient's own mentions of the sender end the walk.
      if (depth === 0 || byRecipient) {
        const mention = await this.ctx.db.kysely
          .selectFrom("status_mentions")
          .select("status_id")
          .where("status_id", "=", status.id)
          .where("account_id", "=", this.n.fromAccountId)
          .where("silent", "=", 0)
          .executeTakeFirst();
        if (mention) return byRecipient && status.visibility === "direct";
      }
      id = status.in_reply_to_id;
    }
    return false;
  }
}
