// A rule's conditions compiled into predicates, once, when the policy loads. Content conditions
// test one text (already normalised as the rule asks); scope conditions test the post and its
// author. See schema.ts for what each one means.

import type { z } from "zod";
import type { Role } from "../../db/schema.ts";
import { compilePattern } from "./patterns.ts";
import type { CHARACTER_CLASSES, localConditionsSchema } from "./schema.ts";
import type { Normaliser } from "./unicode.ts";

type Conditions = Partial<z.infer<typeof localConditionsSchema>>;

/** What scope conditions look at. */
export interface Scope {
  language: string | null;
  links: number;
  mentions: number;
  /** When the author's account was created (remote: first seen here); null if unknown */
  accountCreatedAt: string | null;
  role: Role | null;
  hasMedia: boolean;
  now: number;
}

export type TextTest = (normalised: string, original: string) => boolean;
export type ScopeTest = (scope: Scope) => boolean;

const CLASS_PATTERNS: Record<(typeof CHARACTER_CLASSES)[number], RegExp> = {
  whitespace: /^\p{White_Space}$/u, // Unicode's, unlike \s without U+FEFF
  punctuation: /^\p{P}$/u,
  digits: /^\p{Nd}$/u,
  letters: /^\p{L}$/u,
  symbols: /^\p{S}$/u,
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: tested one code point at a time
  emoji: /^[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\u200d\ufe0f\u20e3]$/u,
};

const codePoints = (chars: string, normalise: Normaliser) => new Set(normalise(chars));

/** The content tests, all of which must hold; throws Error naming the field at fault. */
export function contentTests(when: Conditions, normalise: Normaliser): TextTest[] {
  const tests: TextTest[] = [];
  if (when.forbiddenChars !== undefined) {
    const set = codePoints(when.forbiddenChars, normalise);
    tests.push((text) => {
      for (const c of text) if (set.has(c)) return true;
      return false;
    });
  }
  if (when.requiredChars !== undefined) {
    const set = codePoints(when.requiredChars, normalise);
    tests.push((text) => {
      for (const c of text) if (set.has(c)) return false;
      return true;
    });
  }
  if (when.allowedChars !== undefined) {
    const set = codePoints(when.allowedChars.chars, normalise);
    const classes = when.allowedChars.classes.map((name) => CLASS_PATTERNS[name]);
    tests.push((text) => {
      for (const c of text) if (!set.has(c) && !classes.some((re) => re.test(c))) return true;
      return false;
    });
  }
  if (when.pattern !== undefined) {
    let re: RegExp;
    try {
      re = compilePattern(when.pattern, when.patternFlags);
    } catch (error) {
      throw new FieldError("pattern", (error as Error).message);
    }
    tests.push((text) => re.test(text));
  }
  if (when.words !== undefined) tests.push(wordTest(when.words, normalise));
  const { minLength, maxLength } = when;
  if (minLength !== undefined) tests.push((_, original) => [...original].length < minLength);
  if (maxLength !== undefined) tests.push((_, original) => [...original].length > maxLength);
  return tests;
}

/** The scope tests, all of which must hold. */
export function scopeTests(when: Conditions): ScopeTest[] {
  const tests: ScopeTest[] = [];
  const primary = (tag: string | null) => tag?.toLowerCase().split("-")[0] ?? null;
  if (when.languages) {
    const set = new Set(when.languages.map(primary));
    tests.push((s) => set.has(primary(s.language)));
  }
  if (when.notLanguages) {
    const set = new Set(when.notLanguages.map(primary));
    tests.push((s) => !set.has(primary(s.language)));
  }
  const { maxLinks, maxMentions, accountAgeUnderHours, roles, hasMedia } = when;
  if (maxLinks !== undefined) tests.push((s) => s.links > maxLinks);
  if (maxMentions !== undefined) tests.push((s) => s.mentions > maxMentions);
  if (accountAgeUnderHours !== undefined)
    tests.push(
      (s) =>
        s.accountCreatedAt !== null &&
        s.now - Date.parse(s.accountCreatedAt) < accountAgeUnderHours * 3600_000,
    );
  if (roles) tests.push((s) => s.role !== null && roles.includes(s.role));
  if (hasMedia !== undefined) tests.push((s) => s.hasMedia === hasMedia);
  return tests;
}

/** Whole words (or phrases) of the list, compared after normalisation. */
function wordTest(words: readonly string[], normalise: Normaliser): TextTest {
  const tokens = (text: string) => text.match(/[\p{L}\p{N}\p{M}_'’]+/gu) ?? [];
  const single = new Set<string>();
  const phrases: string[] = [];
  for (const word of words) {
    const parts = tokens(normalise(word));
    if (parts.length === 1) single.add(parts[0]!);
    else if (parts.length > 1) phrases.push(` ${parts.join(" ")} `);
  }
  return (text) => {
    const parts = tokens(text);
    if (parts.some((p) => single.has(p))) return true;
    if (phrases.length === 0) return false;
    const joined = ` ${parts.join(" ")} `;
    return phrases.some((p) => joined.includes(p));
  };
}

/** A condition that cannot be compiled: `field` is its name within `when`. */
export class FieldError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}
