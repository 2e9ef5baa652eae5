// A validated policy compiled into rules that can be checked quickly: normalisers, character
// sets, word sets and linear-time patterns are built once here, never per post.
import {
  contentTests,
  FieldError,
  type Scope,
  type ScopeTest,
  scopeTests,
  type TextTest,
  TextView,
} from "./conditions.ts";
import type { IncomingAction, LocalAction, Policy, UnicodeOptions } from "./schema.ts";
import { type Normaliser, normaliser } from "./unicode.ts";

export interface CompiledRule<Action extends string> {
  id: string;
  action: Action;
  message: string;
  public: boolean;
  summary: string | null;
  enforces: string | null;
  fields: readonly string[];
  /** Key of the normaliser, so a check normalises each text once per distinct setting. */
  normaliserKey: string;
  normalise: Normaliser;
  content: readonly TextTest[];
  scope: readonly ScopeTest[];
  /** Incoming rules only: the servers it applies to (null: all). */
  domains: readonly string[] | null;
}

export interface CompiledPolicy {
  name: string | null;
  local: readonly CompiledRule<LocalAction>[];
  incoming: readonly CompiledRule<IncomingAction>[];
}

export const EMPTY_POLICY: CompiledPolicy = { name: null, local: [], incoming: [] };

/** A compile error at `path` within the policy (for a refusal that names field and line). */
export class CompileError extends Error {
  readonly path: (string | number)[];
  constructor(path: (string | number)[], message: string) {
    super(message);
    this.path = path;
  }
}

export function compilePolicy(policy: Policy): CompiledPolicy {
  const normalisers = new Map<string, Normaliser>();
  const normaliserFor = (options: UnicodeOptions) => {
    const key = JSON.stringify(options);
    let n = normalisers.get(key);
    if (!n) normalisers.set(key, (n = normaliser(options)));
    return { key, normalise: n };
  };
  const seen = new Set<string>();
  const compile = <A extends string>(
    section: "local" | "incoming",
    rule: Policy["local"][number] | Policy["incoming"][number],
    index: number,
  ): CompiledRule<A> => {
    if (seen.has(rule.id))
      throw new CompileError([section, index, "id"], `the id "${rule.id}" is used twice`);
    seen.add(rule.id);
    const { key, normalise } = normaliserFor(rule.unicode);
    let content: TextTest[];
    try {
      content = contentTests(rule.when, normalise);
    } catch (error) {
      if (error instanceof FieldError)
        throw new CompileError([section, index, "when", error.field], error.message);
      throw error;
    }
    return {
      id: rule.id,
      action: rule.action as A,
      message: rule.message ?? `Refused by rule ${rule.id}`,
      public: rule.public,
      summary: rule.summary ?? null,
      enforces: rule.enforces ?? null,
      fields: rule.fields,
      normaliserKey: key,
      normalise,
      content,
      scope: scopeTests(rule.when),
      domains: "domains" in rule && rule.domains ? rule.domains.map((d) => d.toLowerCase()) : null,
    };
  };
  return {
    name: policy.name ?? null,
    local: policy.local.map((r, i) => compile<LocalAction>("local", r, i)),
    incoming: policy.incoming.map((r, i) => compile<IncomingAction>("incoming", r, i)),
  };
}

/** Texts to check, by field: a field may hold several (poll options, profile fields). */
export type FieldTexts = Readonly<Record<string, readonly string[] | undefined>>;

/** Texts as normalised by each setting, shared by the rules of one check. */
export type FiredCache = Map<string, Map<string, TextView>>;

/** Whether `rule` fires, and on which field (null when it has no content conditions). */
export function fires<A extends string>(
  rule: CompiledRule<A>,
  texts: FieldTexts,
  scope: Scope,
  cache: FiredCache,
): { field: string | null } | null {
  for (const test of rule.scope) if (!test(scope)) return null;
  if (rule.content.length === 0) return { field: null };
  for (const field of rule.fields) {
    for (const original of texts[field] ?? []) {
      if (original === "") continue;
      let forKey = cache.get(rule.normaliserKey);
      if (!forKey) cache.set(rule.normaliserKey, (forKey = new Map()));
      let view = forKey.get(original);
      if (!view) forKey.set(original, (view = new TextView(rule.normalise(original), original)));
      const seen = view;
      if (rule.content.every((test) => test(seen))) return { field };
    }
  }
  return null;
}
