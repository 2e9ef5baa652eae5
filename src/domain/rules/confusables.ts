// Latin look-alikes: letters of other scripts that read as a Latin letter in most fonts, after
// compatibility decomposition (NFKD already turns full-width "ｅ", "ℯ", "ⓔ", "𝐞", "ᵉ" into
// "e"; this table covers what NFKD leaves alone). A small hand-made subset of Unicode's
// confusables data (UTS #39), limited to look-alikes of the 26 Latin letters: no npm package
// for it is installed, and a rule only needs the letters it names. Each entry is
// "look-alike, Latin letter"; test/domain/rules/unicode.test.ts checks every entry.
const PAIRS = [
  // Cyrillic
  "аa",
  "вb",
  "еe",
  "һh",
  "іi",
  "јj",
  "кk",
  "мm",
  "нh",
  "оo",
  "рp",
  "сc",
  "тt",
  "уy",
  "хx",
  "ѕs",
  "ԁd",
  "ԛq",
  "ԝw",
  "үy",
  "ӏl",
  "АA",
  "ВB",
  "ЕE",
  "КK",
  "МM",
  "НH",
  "ОO",
  "РP",
  "СC",
  "ТT",
  "ХX",
  "УY",
  "ІI",
  "ЈJ",
  "ЅS",
  "ԚQ",
  "ԜW",
  "ҮY",
  "ӀI",
  // Greek
  "αa",
  "οo",
  "ρp",
  "νv",
  "ιi",
  "χx",
  "κk",
  "υu",
  "ΑA",
  "ΒB",
  "ΕE",
  "ΖZ",
  "ΗH",
  "ΙI",
  "ΚK",
  "ΜM",
  "ΝN",
  "ΟO",
  "ΡP",
  "ΤT",
  "ΥY",
  "ΧX",
  // Latin letters with a built-in stroke, which NFKD does not split
  "ɇe",
  "ɆE",
  "℮e",
  "ıi",
  "ȷj",
  // Armenian
  "օo",
  "սu",
  "ոn",
  "հh",
  // Cherokee
  "ꭼe",
  "ᎬE",
  "ᎪA",
  "ᏴB",
  "ᏟC",
  "ᎠD",
  "ᏀG",
  "ᎻH",
  "ᎫJ",
  "ᏦK",
  "ᏞL",
  "ᎷM",
  "ᏢP",
  "ᏚS",
  "ᎢT",
  "ᏙV",
  "ᏔW",
  "ᏃZ",
] as const;

function table(): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of PAIRS) {
    const [from, to] = [...pair];
    map.set(from!, to!);
  }
  // Enclosed letters NFKD leaves alone: negative circled 🅐, negative squared 🅰, regional
  // indicators 🇦 (which read as letters when not paired into a flag).
  for (const start of [0x1f150, 0x1f170, 0x1f1e6])
    for (let i = 0; i < 26; i++)
      map.set(String.fromCodePoint(start + i), String.fromCharCode(65 + i));
  return map;
}

export const LATIN_LOOK_ALIKES: ReadonlyMap<string, string> = table();

/** Replaces each look-alike code point with its Latin letter. */
export function foldLookAlikes(text: string): string {
  let out = "";
  for (const c of text) out += LATIN_LOOK_ALIKES.get(c) ?? c;
  return out;
}
