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

/** One text as content tests see it; what several rules need is worked out once. */
export class TextView {
  readonly normalised: string;
  readonly original: string;
  #chars: Set<string> | undefined;
  #tokens: string[] | undefined;
  #length: number | undefined;
  #joined: string | undefined;
  constructor(normalised: string, original: string) {
    this.normalised = normalised;
    this.original = original;
  }
  /** The distinct code points of the normalised text */
  get chars(): Set<string> {
    this.#chars ??= new Set(this.normalised);
    return this.#chars;
  }
  /** Its words (letters, digits, marks, apostrophes) */
  get tokens(): string[] {
    this.#tokens ??= tokenise(this.normalised);
    return this.#tokens;
  }
  /** The words with one space between them and around them, to find phrases in */
  get joined(): string {
    this.#joined ??= ` ${this.tokens.join(" ")} `;
    return this.#joined;
  }
  /** Length in code points, of the text as written */
  get length(): number {
    this.#length ??= [...this.original].length;
    return this.#length;
  }
}

const tokenise = (text: string) => text.match(/[\p{L}\p{N}\p{M}_'’]+/gu) ?? [];

export type TextTest = (text: TextView) => boolean;
export type ScopeTest = (scope: Scope) => boolean;

// Character classes as regular-expression class items.
const CLASS_ITEMS: Record<(typeof CHARACTER_CLASSES)[number], string> = {
  whitespace: "\\p{White_Space}", // Unicode's: unlike \s, not U+FEFF
  punctuation: "\\p{P}",
  digits: "\\p{Nd}",
  letters: "\\p{L}",
  symbols: "\\p{S}",
  emoji:
    "\\p{Extended_Pictographic}\\p{Emoji_Modifier}\\p{Regional_Indicator}\\u200d\\ufe0f\\u20e3",
};

/** The content tests, all of which must hold; throws Error naming the field at fault. */
export function contentTests(when: Conditions, normalise: Normaliser): TextTest[] {
  const tests: TextTest[] = [];
  // Character conditions look at the text's distinct code points, not at every character.
  if (when.forbiddenChars !== undefined) {
    const set = [...new Set(normalise(when.forbiddenChars))];
    tests.push((text) => set.some((c) => text.chars.has(c)));
  }
  if (when.requiredChars !== undefined) {
    const set = [...new Set(normalise(when.requiredChars))];
    tests.push((text) => !set.some((c) => text.chars.has(c)));
  }
  if (when.allowedChars !== undefined) {
    const set = new Set(normalise(when.allowedChars.chars));
    const items = when.allowedChars.classes.map((name) => CLASS_ITEMS[name]).join("");
    const classes = new RegExp(`^[${items}]$`, "u");
    const inClass = items === "" ? () => false : (c: string) => classes.test(c);
    tests.push((text) => {
      for (const c of text.chars) if (!set.has(c) && !inClass(c)) return true;
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
    tests.push((text) => re.test(text.normalised));
  }
  if (when.words !== undefined) tests.push(wordTest(when.words, normalise));
  const { minLength, maxLength } = when;
  if (minLength !== undefined) tests.push((text) => text.length < minLength);
  if (maxLength !== undefined) tests.push((text) => text.length > maxLength);
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
  const single = new Set<string>();
  const phrases: string[] = [];
  for (const word of words) {
    const parts = tokenise(normalise(word));
    if (parts.length === 1) single.add(parts[0]!);
    else if (parts.length > 1) phrases.push(` ${parts.join(" ")} `);
  }
  return (text) => {
    if (text.tokens.some((p) => single.has(p))) return true;
    if (phrases.length === 0) return false;
    return phrases.some((p) => text.joined.includes(p));
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
