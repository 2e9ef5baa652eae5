// A seeded, deterministic fuzzer for rule tests: texts built from pieces whose meaning is
// known (an "e" in some disguise, or not), mixing scripts, combining marks, zero-width
// characters and full-width forms, so a test knows the right answer for every text.

/** mulberry32: small, seedable, good enough to shuffle test input. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The letter e in forms the shipped rules must all read as e. */
export const E_FORMS = [
  "e",
  "E",
  "é",
  "È",
  "ê",
  "ë",
  "ē",
  "ė",
  "ę",
  "ě",
  "ẽ",
  "e\u0301",
  "E\u0300\u0323", // combining marks
  "\u0435",
  "\u0415",
  "\u0451", // Cyrillic е Е ё
  "\u0395", // Greek capital epsilon
  "\uff45",
  "\uff25", // full-width ｅ Ｅ
  "\u212f",
  "\u24d4",
  "\u{1d41e}",
  "\u2147",
  "\u1d49", // ℯ ⓔ 𝐞 ⅇ ᵉ
];

/** Letters that are not e in any form (including look-alikes of other letters). */
export const OTHER_LETTERS = [
  "a",
  "b",
  "k",
  "o",
  "z",
  "Q",
  "ß",
  "ø",
  "ñ",
  "a\u0308",
  "\u0430",
  "\u043e",
  "\u0440", // Cyrillic а о р
  "\u03b1",
  "\u03bf", // Greek α ο
  "\uff41",
  "\uff3a", // full-width ａ Ｚ
  "\u05d0",
  "\u4e2d",
  "\u0627", // Hebrew, Han, Arabic
];

export const SPACES = [" ", "  ", "\n", "\u00a0", "\u3000"];
export const PUNCTUATION = [".", ",", "!", "?", "…", "—", "'", "“", "”", "¿", "¡"];
export const ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"];
export const OTHER_SYMBOLS = ["1", "9", "\u0663", "🐬", "👍🏽", "=", "$", "+", "°"];

export const pick = <T>(random: () => number, from: readonly T[]): T =>
  from[Math.floor(random() * from.length)]!;

/** A text of `length` pieces drawn from `pools`, each chosen with equal chance. */
export function fuzzText(
  random: () => number,
  pools: readonly (readonly string[])[],
  length: number,
): string {
  let out = "";
  for (let i = 0; i < length; i++) out += pick(random, pick(random, pools));
  return out;
}
