// The text rules see: each normalisation step on its own, and every entry of the look-alike
// table reads as its Latin letter (and is not one already).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LATIN_LOOK_ALIKES } from "../../../src/domain/rules/confusables.ts";
import { normaliser } from "../../../src/domain/rules/unicode.ts";

const options = {
  form: "NFC" as const,
  caseFold: false,
  stripMarks: false,
  stripInvisible: false,
  confusables: false,
};

describe("rule text normalisation", () => {
  it("leaves text alone but for NFC by default", () => {
    assert.equal(normaliser(options)("Cafe\u0301 ｅ\u200b"), "Café ｅ\u200b");
    assert.equal(normaliser({ ...options, form: "none" })("e\u0301"), "e\u0301");
  });

  it("applies each step only when asked", () => {
    assert.equal(normaliser({ ...options, form: "NFKC" })("ｅℯ𝐞"), "eee");
    assert.equal(normaliser({ ...options, caseFold: true })("ÉSTRAßE"), "éstrasse");
    assert.equal(normaliser({ ...options, stripMarks: true })("éèẽ e\u0301\u0323"), "eee e");
    assert.equal(
      normaliser({ ...options, stripInvisible: true })("a\u200bb\u200dc\ufeffd\u00ade\u2060f"),
      "abcdef",
    );
    assert.equal(normaliser({ ...options, confusables: true })("Неllо"), "Hello");
  });

  it("folds look-alikes that only show after case folding, and marks case folding adds", () => {
    const all = normaliser({
      form: "NFKD",
      caseFold: true,
      stripMarks: true,
      stripInvisible: true,
      confusables: true,
    });
    assert.equal(all("Һ"), "h"); // Cyrillic capital SHHA lower-cases to a look-alike of h
    assert.equal(all("İ"), "i"); // dotted capital I folds to i + combining dot
    assert.equal(all("ＥЁ\u0415\u0301ǝ"), "eeeǝ"); // turned e is not a look-alike of e
  });

  it("maps every look-alike in the table to a Latin letter it is not", () => {
    assert.ok(LATIN_LOOK_ALIKES.size > 100);
    for (const [from, to] of LATIN_LOOK_ALIKES) {
      assert.match(to, /^[a-zA-Z]$/, `${from} → ${to}`);
      assert.doesNotMatch(from.normalize("NFKD"), /^[a-zA-Z]$/, `${from} is Latin already`);
      assert.equal([...from].length, 1, `${from} is one code point`);
    }
  });
});
