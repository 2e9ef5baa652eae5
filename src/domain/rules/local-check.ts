// Checking a local post (or edit, or profile) against the policy: which rule refuses it, or
// what the rules change. Pure: compose.ts, `kith rules test`, the admin API and simulate all
// use it, so they always agree.
import type { Visibility } from "../../db/schema.ts";
import {
  type CompiledPolicy,
  type CompiledRule,
  type FieldTexts,
  type FiredCache,
  fires,
} from "./compile.ts";
import type { Scope } from "./conditions.ts";
import type { LocalAction } from "./schema.ts";

export interface LocalDraft {
  texts: FieldTexts;
  visibility: Visibility;
  sensitive: boolean;
  scope: Scope;
}

export interface Fired {
  rule: CompiledRule<LocalAction>;
  field: string | null;
}

export interface LocalVerdict {
  /** The first rule (in file order) that refuses the draft */
  refusal: Fired | null;
  /** Rules that change the draft, in file order, each changing something */
  changes: Fired[];
  sensitive: boolean;
  visibility: Visibility;
}

const RANK: Record<Visibility, number> = { public: 0, unlisted: 1, private: 2, direct: 3 };

export function checkLocal(policy: CompiledPolicy, draft: LocalDraft): LocalVerdict {
  const verdict: LocalVerdict = {
    refusal: null,
    changes: [],
    sensitive: draft.sensitive,
    visibility: draft.visibility,
  };
  const cache: FiredCache = new Map();
  const hasWarning = (draft.texts.spoiler_text ?? []).some((t) => t.trim() !== "");
  for (const rule of policy.local) {
    const hit = fires(rule, draft.texts, draft.scope, cache);
    if (!hit) continue;
    const fired = { rule, field: hit.field };
    switch (rule.action) {
      case "reject":
        verdict.refusal ??= fired;
        break;
      case "require_content_warning":
        if (!hasWarning) verdict.refusal ??= fired;
        break;
      case "mark_sensitive":
        if (!verdict.sensitive) {
          verdict.sensitive = true;
          verdict.changes.push(fired);
        }
        break;
      case "unlisted":
      case "private":
        // Only ever narrows: a rule never makes a post more public than its author chose.
        if (RANK[verdict.visibility] < RANK[rule.action]) {
          verdict.visibility = rule.action;
          verdict.changes.push(fired);
        }
        break;
    }
  }
  return verdict;
}
