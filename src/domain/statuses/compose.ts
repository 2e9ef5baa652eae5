// What posting and editing a local status share: the text rules (not blank, no NUL, the
// instance's character limit), the language code, rendering the text to HTML with its
// mentions, hashtags and links resolved, and the instance's own rules (docs/rules/).
import type { Visibility } from "../../db/schema.ts";
import type { Context } from "../context.ts";
import { validation } from "../errors.ts";
import { enforceLocalRules, type RuleEffects } from "../rules/enforce-local.ts";
import type { Viewer } from "../viewer.ts";
import { normaliseLanguage } from "./languages.ts";
import { resolveMentions } from "./mentions.ts";
import { countCharacters, type RenderedText, renderPlainText } from "./text.ts";

export interface CheckedText {
  /** trimmed, as Mastodon stores it */
  text: string;
  spoilerText: string;
}

/**
 * The text and content warning as they will be stored, or a 422 saying what is wrong. A status
 * with media may have no text (Mastodon's `text.blank? && media_ids.blank?`).
 */
export function checkStatusText(
  ctx: Context,
  text: string,
  spoilerText: string,
  options: { hasMedia?: boolean } = {},
): CheckedText {
  const checked = { text: text.trim(), spoilerText: spoilerText.trim() };
  if (checked.text === "" && !options.hasMedia)
    throw validation("Validation failed: Text can't be blank");
  // PostgreSQL text cannot hold NUL, and no client means one.
  if (checked.text.includes("\u0000") || checked.spoilerText.includes("\u0000"))
    throw validation("Validation failed: Text contains a NUL character");
  const max = ctx.config.maxStatusChars;
  if (countCharacters(checked.text, checked.spoilerText) > max)
    throw validation(`Validation failed: Text character limit of ${max} exceeded`);
  return checked;
}

/**
 * The language to store: the one asked for (a 422 when it is no language code), else the
 * fallback (the author's default, or the status's language on an edit) if that is one.
 */
export function chooseLanguage(
  asked: string | null | undefined,
  fallback: string | null,
): string | null {
  const given = asked?.trim();
  if (given) {
    const code = normaliseLanguage(given);
    if (!code) throw validation("Validation failed: Language is not a valid language code");
    return code;
  }
  return fallback ? normaliseLanguage(fallback) : null;
}

/** The HTML of a local status's text, with the accounts it mentions and the tags it uses. */
export async function renderStatusText(ctx: Context, text: string): Promise<RenderedText> {
  return renderPlainText(text, {
    origin: ctx.config.origin,
    localDomain: ctx.config.domain,
    resolveMention: await resolveMentions(ctx, text),
  });
}

/** A status about to be stored, as the instance rules see it. */
export interface ComposedStatus {
  text: string;
  spoilerText: string;
  language: string | null;
  rendered: RenderedText;
  visibility: Visibility;
  sensitive: boolean;
  /** Set when editing: rules cannot change an edited status's visibility. */
  statusId?: string;
  /** The attached media's descriptions ("" for none), one per attachment. */
  mediaDescriptions?: readonly string[];
}

/**
 * The instance's rules (docs/rules/README.md) for a post or an edit: a 422 with the rule's
 * message when one refuses it, else the sensitivity and visibility to store and the actions to
 * record with it. Poll options join `texts` once Kith stores them.
 */
export async function applyInstanceRules(
  ctx: Context,
  viewer: Viewer,
  status: ComposedStatus,
): Promise<RuleEffects> {
  return enforceLocalRules(ctx, viewer, {
    texts: {
      text: [status.text],
      spoiler_text: [status.spoilerText],
      media_descriptions: [...(status.mediaDescriptions ?? [])],
    },
    language: status.language,
    links: status.rendered.links.length,
    mentions: status.rendered.mentions.length,
    hasMedia: (status.mediaDescriptions?.length ?? 0) > 0,
    visibility: status.visibility,
    sensitive: status.sensitive,
    ...(status.statusId ? { editing: { statusId: status.statusId } } : {}),
  });
}
