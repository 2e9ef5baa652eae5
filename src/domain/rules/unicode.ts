// The text a rule sees, as the rule asks: a normalisation form, then (each optional) Latin
// look-alikes folded, invisible characters and combining marks dropped, and case folded.
// Marks and look-alikes need the text decomposed, so asking for either decomposes fully
// (NFKD): "é" becomes "e" + U+0301, "ｅ" becomes "e", and Cyrillic "е" is then folded.
import { foldLookAlikes } from "./confusables.ts";
import type { UnicodeOptions } from "./schema.ts";

/** Zero-width and format characters (\p{Cf}: ZWSP, ZWJ, soft hyphen, BOM, tag characters),
 * the grapheme joiner, variation selectors and the blank Hangul fillers. */
const INVISIBLE =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: each is removed on its own
  /[\p{Cf}\u034f\u115f\u1160\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\u{e0100}-\u{e01ef}]/gu;
const MARKS = /\p{M}/gu;

export type Normaliser = (text: string) => string;

export function normaliser(options: UnicodeOptions): Normaliser {
  const decompose = options.stripMarks || options.confusables;
  const form = decompose ? "NFKD" : options.form;
  const steps: Normaliser[] = [];
  if (form !== "none") steps.push((t) => t.normalize(form));
  if (options.confusables) steps.push(foldLookAlikes);
  // Upper then lower approximates full case folding: "ß" → "ss", long "ſ" → "s". Folding may
  // yield a look-alike ("Һ" → "һ") or a mark ("İ" → "i" + U+0307), so those steps follow too.
  if (options.caseFold) {
    steps.push((t) => t.toUpperCase().toLowerCase());
    if (options.confusables) steps.push(foldLookAlikes);
  }
  if (options.stripInvisible) steps.push((t) => t.replace(INVISIBLE, ""));
  if (options.stripMarks) steps.push((t) => t.replace(MARKS, ""));
  // Recompose what is left (marks kept), so "e" + U+0301 compares as one character.
  if (decompose && !options.stripMarks) steps.push((t) => t.normalize("NFC"));
  return (text) => {
    let out = text;
    for (const step of steps) out = step(out);
    return out;
  };
}
