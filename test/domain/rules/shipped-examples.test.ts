// The shipped policies (docs/rules/), checked against thousands of seeded fuzzed texts whose
// right answer is known by construction: the lipogram club refuses exactly the texts with an e
// in any disguise; Dolphin.Town accepts exactly those made of e, spaces and punctuation.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadPolicyFile } from "../../../src/domain/rules/load.ts";
import { checkLocal } from "../../../src/domain/rules/local-check.ts";
import { SHIPPED_RULES } from "../../helpers/rules.ts";
import {
  E_FORMS,
  fuzzText,
  OTHER_LETTERS,
  OTHER_SYMBOLS,
  PUNCTUATION,
  pick,
  SPACES,
  seeded,
  ZERO_WIDTH,
} from "../../helpers/unicode-fuzz.ts";

const scope = {
  language: null,
  links: 0,
  mentions: 0,
  accountCreatedAt: null,
  role: null,
  hasMedia: false,
  now: 0,
};
const refuses = (file: string) => {
  const policy = loadPolicyFile(join(SHIPPED_RULES, file));
  return (text: string) =>
    checkLocal(policy, {
      texts: { text: [text] },
      visibility: "public",
      sensitive: false,
      scope,
    }).refusal?.rule.message ?? null;
};
const ROUNDS = 2000;

describe("the lipogram club (docs/rules/lipogram.json)", () => {
  const check = refuses("lipogram.json");
  const clean = [OTHER_LETTERS, SPACES, PUNCTUATION, ZERO_WIDTH, OTHER_SYMBOLS];

  it("allows texts without an e, whatever else they mix", () => {
    const random = seeded(1);
    for (let i = 0; i < ROUNDS; i++) {
      const text = fuzzText(random, clean, 1 + Math.floor(random() * 40));
      assert.equal(check(text), null, JSON.stringify(text));
    }
  });

  it("refuses any text hiding one e, however disguised", () => {
    const random = seeded(2);
    for (let i = 0; i < ROUNDS; i++) {
      const before = fuzzText(random, clean, Math.floor(random() * 20));
      const after = fuzzText(random, clean, Math.floor(random() * 20));
      // The e may itself be split by invisible characters or stacked marks.
      const e = pick(random, E_FORMS) + (random() < 0.3 ? pick(random, ZERO_WIDTH) : "");
      const text = before + e + after;
      assert.match(check(text) ?? "", /fifth glyph/, JSON.stringify(text));
    }
  });
});

describe("Dolphin.Town (docs/rules/dolphin-town.json)", () => {
  const check = refuses("dolphin-town.json");
  const allowed = [E_FORMS, SPACES, PUNCTUATION];

  it("allows e in any form, with spaces and punctuation", () => {
    const random = seeded(3);
    for (let i = 0; i < ROUNDS; i++) {
      const text = pick(random, E_FORMS) + fuzzText(random, allowed, Math.floor(random() * 40));
      assert.equal(check(text), null, JSON.stringify(text));
    }
  });

  it("refuses any other letter, digit, emoji or invisible character", () => {
    const random = seeded(4);
    const intruders = [OTHER_LETTERS, OTHER_SYMBOLS, ZERO_WIDTH];
    for (let i = 0; i < ROUNDS; i++) {
      const text =
        fuzzText(random, allowed, Math.floor(random() * 20)) +
        fuzzText(random, intruders, 1) +
        fuzzText(random, allowed, Math.floor(random() * 20));
      assert.match(check(text) ?? "", /^Eeeee!/, JSON.stringify(text));
    }
  });
});
