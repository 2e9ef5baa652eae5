// Checking a status from another server against the policy's incoming rules: whether it is
// refused, and what the rules change. Pure: receive.ts and `kith rules simulate` use it.
import type { Visibility } from "../../db/schema.ts";
import {
  type CompiledPolicy,
  type CompiledRule,
  type FieldTexts,
  type FiredCache,
  fires,
} from "./compile.ts";
import type { Scope } from "./conditions.ts";
import type { IncomingAction } from "./schema.ts";

export interface IncomingDraft {
  /** The author's server, lower-case (a port is ignored) */
  domain: string;
  texts: FieldTexts;
  visibility: Visibility;
  sensitive: boolean;
  /** How many local accounts it mentions or addresses */
  localMentions: number;
  scope: Scope;
}

export interface IncomingFired {
  rule: CompiledRule<IncomingAction>;
  field: string | null;
}

export interface IncomingVerdict {
  refusal: IncomingFired | null;
  changes: IncomingFired[];
  visibility: Visibility;
  sensitive: boolean;
  dropLocalMentions: boolean;
}

function appliesTo(rule: CompiledRule<IncomingAction>, domain: string): boolean {
  if (rule.domains === null) return true;
  const host = domain.replace(/:\d+$/, "");
  return rule.domains.some((d) => host === d || host.endsWith(`.${d}`));
}

export function checkIncoming(policy: CompiledPolicy, draft: IncomingDraft): IncomingVerdict {
  const verdict: IncomingVerdict = {
    refusal: null,
    changes: [],
    visibility: draft.visibility,
    sensitive: draft.sensitive,
    dropLocalMentions: false,
  };
  const cache: FiredCache = new Map();
  for (const rule of policy.incoming) {
    if (!appliesTo(rule, draft.domain)) continue;
    const hit = fires(rule, draft.texts, draft.scope, cache);
    if (!hit) continue;
    const fired = { rule, field: hit.field };
    switch (rule.action) {
      case "reject":
        verdict.refusal ??= fired;
        break;
      case "unlisted":
        // Kept off public timelines: listed nowhere, still there for whoever it addresses.
        if (verdict.visibility === "public") {
          verdict.visibility = "unlisted";
          verdict.changes.push(fired);
        }
        break;
      case "mark_sensitive":
        if (!verdict.sensitive) {
          verdict.sensitive = true;
          verdict.changes.push(fired);
        }
        break;
      case "drop_local_mentions":
        if (draft.localMentions > 0 && !verdict.dropLocalMentions) {
          verdict.dropLocalMentions = true;
          verdict.changes.push(fired);
        }
        break;
    }
  }
  return verdict;
}

/** Links in sanitised HTML that are neither mentions nor hashtags. */
export const countHtmlLinks = (html: string) =>
  [...html.matchAll(/<a\s[^>]*>/g)].filter((m) => !/class="[^"]*\b(mention|hashtag)\b/.test(m[0]))
    .length;
