// Changing one's own profile and posting defaults (Mastodon's update_credentials): validated
// as Mastodon's Account and User models do, rendered to HTML once here, and the text as typed
// kept for editing. Unlocking an account lets everyone waiting in.
import type { Context } from "../context.ts";
import { validation } from "../errors.ts";
import { emitDomainEvent } from "../events.ts";
import { authorizeAllFollowRequests } from "../relationships/follow.ts";
import { enforceProfileRules } from "../rules/enforce-profile.ts";
import { normaliseLanguage } from "../statuses/languages.ts";
import {
  countCharacters,
  extractMentions,
  type MentionedAccount,
  mentionKey,
  renderPlainText,
  resolverFromMap,
} from "../statuses/text.ts";
import type { Viewer } from "../viewer.ts";
import { parseSourceFields, type SourceField } from "./credentials.ts";
import { type AccountRow, findByHandle, getAccount } from "./queries.ts";

export const DISPLAY_NAME_LIMIT = 30;
export const NOTE_LIMIT = 500;
export const MAX_FIELDS = 4;
export const FIELD_LIMIT = 255;
export const MAX_ATTRIBUTION_DOMAINS = 10;
export const PRIVACY_VALUES = ["public", "unlisted", "private"] as const;
export const QUOTE_POLICIES = ["public", "followers", "nobody"] as const;

export interface ProfileChanges {
  displayName?: string;
  note?: string;
  fields?: SourceField[];
  locked?: boolean;
  bot?: boolean;
  discoverable?: boolean;
  indexable?: boolean;
  hideCollections?: boolean;
  attributionDomains?: string[];
  privacy?: string;
  sensitive?: boolean;
  /** "" or null clears it */
  language?: string | null;
  quotePolicy?: string;
  /** A new avatar or header (a URL the media storage serves), or null to remove it. */
  avatarUrl?: string | null;
  headerUrl?: string | null;
}

type FieldErrors = Record<string, { error: string; description: string }[]>;

/** Mastodon's ValidationErrorFormatter: a sentence, plus per-attribute codes in `details`. */
function check(errors: FieldErrors): void {
  const entries = Object.entries(errors);
  if (entries.length === 0) return;
  const sentence = entries
    .flatMap(([attribute, list]) => {
      const label = attribute.replace(/^source\./, "").replaceAll("_", " ");
      const human = label[0]!.toUpperCase() + label.slice(1);
      return list.map((e) => `${human} ${e.description}`);
    })
    .join(", ");
  throw validation(`Validation failed: ${sentence}`, errors);
}

const length = (s: string) => [...s].length;
const DOMAIN_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/i;

export async function updateProfile(
  ctx: Context,
  viewer: Viewer,
  changes: ProfileChanges,
): Promise<void> {
  const account = await getAccount(ctx, viewer.accountId);
  const errors: FieldErrors = {};
  const add = (attribute: string, error: string, description: string) =>
    (errors[attribute] ??= []).push({ error, description });
  const tooLong = (max: number) => `is too long (maximum is ${max} characters)`;

  // Mastodon strips the display name and note before validating them.
  const displayName = changes.displayName?.trim();
  const note = changes.note?.trim();
  if (displayName !== undefined && length(displayName) > DISPLAY_NAME_LIMIT)
    add("display_name", "ERR_TOO_LONG", tooLong(DISPLAY_NAME_LIMIT));
  if (note !== undefined && countCharacters(note) > NOTE_LIMIT)
    add("note", "ERR_TOO_LONG", tooLong(NOTE_LIMIT));

  let fields: SourceField[] | undefined;
  if (changes.fields !== undefined) {
    fields = changes.fields
      .map((f) => ({ name: f.name.trim(), value: f.value.trim() }))
      .filter((f) => f.name !== "" || f.value !== "");
    if (fields.length > MAX_FIELDS) add("fields", "ERR_TOO_LONG", tooLong(MAX_FIELDS));
    if (fields.some((f) => length(f.name) > FIELD_LIMIT || length(f.value) > FIELD_LIMIT))
      add("fields", "ERR_TOO_LONG", `name or value ${tooLong(FIELD_LIMIT)}`);
    if (fields.some((f) => f.name === ""))
      add("fields", "ERR_INVALID", "contains values with missing labels");
  }

  let attributionDomains: string[] | undefined;
  if (changes.attributionDomains !== undefined) {
    attributionDomains = [
      ...new Set(
        changes.attributionDomains
          .map((d) => d.trim().toLowerCase().replace(/^\*\./, ""))
          .filter((d) => d !== ""),
      ),
    ];
    if (attributionDomains.length > MAX_ATTRIBUTION_DOMAINS)
      add("attribution_domains", "ERR_TOO_LONG", tooLong(MAX_ATTRIBUTION_DOMAINS));
    const bad = attributionDomains.filter((d) => !DOMAIN_RE.test(d));
    if (bad.length > 0)
      add("attribution_domains", "ERR_INVALID", `contains invalid domains: ${bad.join(", ")}`);
  }

  if (
    changes.privacy !== undefined &&
    !(PRIVACY_VALUES as readonly string[]).includes(changes.privacy)
  )
    add("source.privacy", "ERR_INCLUSION", "is not included in the list");
  if (
    changes.quotePolicy !== undefined &&
    !(QUOTE_POLICIES as readonly string[]).includes(changes.quotePolicy)
  )
    add("source.quote_policy", "ERR_INCLUSION", "is not included in the list");
  let language: string | null | undefined;
  if (changes.language !== undefined) {
    language =
      changes.language === null || changes.language.trim() === ""
        ? null
        : normaliseLanguage(changes.language);
    if (language === null && changes.language?.trim())
      add("source.language", "ERR_INVALID", "is invalid");
  }
  check(errors);
  // The instance's rules that name profile fields (docs/rules/README.md).
  await enforceProfileRules(ctx, viewer, {
    display_name: displayName !== undefined ? [displayName] : [],
    profile_fields: [
      ...(note !== undefined ? [note] : []),
      ...(fields ?? []).flatMap((f) => [f.name, f.value]),
    ],
  });

  const now = new Date().toISOString();
  const accountChanges: Record<string, string | number | null> = {};
  if (displayName !== undefined) accountChanges.display_name = displayName;
  if (note !== undefined) {
    accountChanges.note = await renderNote(ctx, note);
    accountChanges.note_source = note;
  }
  if (fields !== undefined) {
    accountChanges.fields = JSON.stringify(renderFields(ctx, account, fields));
    accountChanges.fields_source = JSON.stringify(fields);
  }
  const flag = (v: boolean) => (v ? 1 : 0);
  if (changes.locked !== undefined) accountChanges.locked = flag(changes.locked);
  if (changes.bot !== undefined) accountChanges.actor_type = changes.bot ? "Service" : "Person";
  if (changes.discoverable !== undefined) accountChanges.discoverable = flag(changes.discoverable);
  if (changes.indexable !== undefined) accountChanges.indexable = flag(changes.indexable);
  if (changes.hideCollections !== undefined)
    accountChanges.hide_collections = flag(changes.hideCollections);
  if (attributionDomains !== undefined)
    accountChanges.attribution_domains = JSON.stringify(attributionDomains);
  if (changes.avatarUrl !== undefined) accountChanges.avatar_url = changes.avatarUrl;
  if (changes.headerUrl !== undefined) accountChanges.header_url = changes.headerUrl;

  const userChanges: Record<string, string | number | null> = {};
  if (changes.privacy !== undefined) userChanges.default_visibility = changes.privacy;
  if (changes.sensitive !== undefined) userChanges.default_sensitive = flag(changes.sensitive);
  if (language !== undefined) userChanges.default_language = language;
  if (changes.quotePolicy !== undefined) userChanges.default_quote_policy = changes.quotePolicy;

  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable("accounts")
      .set({ ...accountChanges, updated_at: now })
      .where("id", "=", account.id)
      .execute();
    if (Object.keys(userChanges).length > 0)
      await trx
        .updateTable("users")
        .set({ ...userChanges, updated_at: now })
        .where("account_id", "=", account.id)
        .execute();
    if (Object.keys(accountChanges).length > 0)
      await emitDomainEvent(
        { config: ctx.config, db: { ...ctx.db, kysely: trx } },
        { type: "account.updated", accountId: account.id },
      );
  });

  if (account.locked === 1 && changes.locked === false)
    await authorizeAllFollowRequests(ctx, account.id);
}

/** The note as HTML: paragraphs, links, hashtags, and mentions of accounts Kith knows. */
async function renderNote(ctx: Context, note: string): Promise<string> {
  const known = new Map<string, MentionedAccount>();
  for (const ref of extractMentions(note, ctx.config.domain)) {
    const found = await findByHandle(
      ctx,
      ref.domain ? `${ref.username}@${ref.domain}` : ref.username,
    );
    if (!found || found.suspended_at) continue;
    known.set(mentionKey(ref.username, ref.domain), {
      id: found.id,
      username: found.username,
      domain: found.domain,
      url: found.url ?? found.uri,
    });
  }
  return renderPlainText(note, {
    origin: ctx.config.origin,
    localDomain: ctx.config.domain,
    resolveMention: resolverFromMap(known),
  }).html;
}

/**
 * Field values render on one line, links marked rel="me" (for verification) and no mentions,
 * as Mastodon's account_field_value_format. A value that did not change keeps its verification.
 */
function renderFields(ctx: Context, account: AccountRow, fields: SourceField[]) {
  const previous = parseSourceFields(account.fields_source);
  let rendered: { verified_at?: unknown }[] = [];
  try {
    const parsed = JSON.parse(account.fields) as unknown;
    if (Array.isArray(parsed)) rendered = parsed as { verified_at?: unknown }[];
  } catch {}
  return fields.map((field) => {
    const html = renderPlainText(field.value, { origin: ctx.config.origin }).html;
    const value = html
      .replace(/^<p>/, "")
      .replace(/<\/p>$/, "")
      .replaceAll("</p><p>", " ")
      .replaceAll("<br />", " ")
      .replaceAll('rel="nofollow noopener"', 'rel="me nofollow noopener"');
    const index = previous.findIndex((p) => p.value === field.value);
    const verified = index >= 0 ? rendered[index]?.verified_at : null;
    return {
      name: field.name,
      value,
      verified_at: typeof verified === "string" ? verified : null,
    };
  });
}
