// The languages a status may be tagged with: ISO 639-1 two-letter codes. A regional form such as
// `pt-BR` or `zh_TW` is accepted and stored as its base language, as clients send both.
const ISO_639_1 = new Set(
  (
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv " +
    "cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr " +
    "ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw " +
    "ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv " +
    "ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr " +
    "ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi " +
    "yo za zh zu"
  ).split(" "),
);

/** The normalised code, or null when `input` is no ISO 639-1 language. */
export function normaliseLanguage(input: string): string | null {
  const match = /^([a-zA-Z]{2})(?:[-_][a-zA-Z0-9]{2,8})?$/.exec(input.trim());
  if (!match) return null;
  const code = match[1]!.toLowerCase();
  return ISO_639_1.has(code) ? code : null;
}
