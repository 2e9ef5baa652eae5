// Checking a text without posting it (`kith rules test`, POST /api/v1/admin/rules/test): the
// same check as a real post, with links and mentions counted from the text, and the verdict
// described in words.
import type { Role, Visibility } from "../../db/schema.ts";
import { extractEntities } from "../statuses/entities.ts";
import type { CompiledPolicy } from "./compile.ts";
import { checkLocal, type LocalVerdict } from "./local-check.ts";

export interface TrialPost {
  text: string;
  spoilerText?: string;
  language?: string | null;
  visibility?: Visibility;
  sensitive?: boolean;
  role?: Role | null;
  accountCreatedAt?: string | null;
  /** When it is posted (account age is measured then); now by default */
  at?: number;
}

export function tryText(policy: CompiledPolicy, post: TrialPost): LocalVerdict {
  const entities = extractEntities(post.text);
  return checkLocal(policy, {
    texts: { text: [post.text], spoiler_text: [post.spoilerText ?? ""] },
    visibility: post.visibility ?? "public",
    sensitive: post.sensitive ?? false,
    scope: {
      language: post.language ?? null,
      links: entities.filter((e) => e.kind === "url").length,
      mentions: entities.filter((e) => e.kind === "mention").length,
      accountCreatedAt: post.accountCreatedAt ?? null,
      role: post.role ?? null,
      hasMedia: false,
      now: post.at ?? Date.now(),
    },
  });
}

/** One line for the outcome, then one per rule that changes the post. */
export function describeVerdict(verdict: LocalVerdict): string[] {
  const where = (field: string | null) => (field ? ` (${field})` : "");
  if (verdict.refusal) {
    const { rule, field } = verdict.refusal;
    return [`Refused by rule ${rule.id}${where(field)}: ${rule.message}`];
  }
  return [
    verdict.changes.length === 0 ? "Allowed." : "Allowed, with changes:",
    ...verdict.changes.map(
      ({ rule, field }) => `  ${rule.action} by rule ${rule.id}${where(field)}: ${rule.message}`,
    ),
  ];
}
