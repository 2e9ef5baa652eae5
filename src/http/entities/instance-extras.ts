// Entities of the instance's extra endpoints: Rule, ExtendedDescription, PrivacyPolicy,
// TermsOfService, CustomEmoji, the weekly activity buckets and Preferences.
import type { CustomEmoji } from "../../domain/custom-emojis.ts";
import type { ActivityWeek } from "../../domain/instance.ts";
import type { InstanceText } from "../../domain/instance-texts.ts";
import type { Preferences } from "../../domain/preferences.ts";
import type { ServerRule } from "../../domain/server-rules.ts";

export function renderRule(rule: ServerRule) {
  // Kith keeps rules in one language, so there are no translations (4.4's field is a hash).
  return { id: rule.id, text: rule.text, hint: rule.hint, translations: {} };
}

/** ExtendedDescription and PrivacyPolicy have the same two fields. */
export function renderInstanceText(t: InstanceText) {
  return { updated_at: t.updatedAt, content: t.html };
}

/** Kith publishes one version at a time, in effect from its date, with none after it. */
export function renderTermsOfService(t: { effectiveDate: string; html: string }) {
  return { effective_date: t.effectiveDate, effective: true, content: t.html, succeeded_by: null };
}

export function renderCustomEmoji(e: CustomEmoji) {
  return {
    shortcode: e.shortcode,
    url: e.url,
    static_url: e.static_url,
    visible_in_picker: e.visible_in_picker === 1,
    // As Mastodon: the key is left out for an emoji in no category.
    ...(e.category ? { category: e.category } : {}),
  };
}

/** Mastodon sends every figure as a string, the week as a UNIX timestamp. */
export function renderActivityWeek(w: ActivityWeek) {
  return {
    week: String(Math.floor(w.weekStart.getTime() / 1000)),
    statuses: String(w.statuses),
    logins: String(w.logins),
    registrations: String(w.registrations),
  };
}

export function renderPreferences(p: Preferences) {
  return {
    "posting:default:visibility": p.defaultVisibility,
    "posting:default:sensitive": p.defaultSensitive,
    "posting:default:language": p.defaultLanguage,
    "posting:default:quote_policy": p.defaultQuotePolicy,
    "reading:expand:media": p.expandMedia,
    "reading:expand:spoilers": p.expandSpoilers,
  };
}
