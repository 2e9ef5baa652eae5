// Filter matching without a database: whole words (Unicode word boundaries, only on a side
// where the keyword begins or ends with a word character) against substrings, case folding,
// the first match reported, status matches on a reblog's original, contexts, and the text a
// status offers (content warning, plain text, poll options).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type ActiveFilter,
  compileKeywords,
  type FilterSummary,
  matchFilters,
  searchableText,
} from "../../../src/domain/filters/match.ts";

const summary = (over: Partial<FilterSummary> = {}): FilterSummary => ({
  id: "1",
  title: "t",
  context: ["home"],
  action: "warn",
  expiresAt: null,
  ...over,
});

function filter(
  keywords: [string, boolean][],
  over: Partial<FilterSummary> = {},
  statusIds: string[] = [],
): ActiveFilter {
  return {
    filter: summary(over),
    keywords: compileKeywords(keywords.map(([keyword, wholeWord]) => ({ keyword, wholeWord }))),
    statusIds: new Set(statusIds),
  };
}

const matches = (f: ActiveFilter, text: string) =>
  matchFilters([f], { id: "10", reblogOfId: null, text })[0]?.keywordMatches ?? null;

describe("filter matching", () => {
  it("matches whole words only at word boundaries, substrings anywhere", () => {
    const whole = filter([["cat", true]]);
    const part = filter([["cat", false]]);
    assert.deepEqual(matches(whole, "a cat sat"), ["cat"]);
    assert.deepEqual(matches(whole, "cat."), ["cat"]);
    assert.equal(matches(whole, "concatenate"), null);
    assert.equal(matches(whole, "cats"), null);
    assert.deepEqual(matches(part, "concatenate"), ["cat"]);
  });

  it("reads word characters as Unicode letters, marks, digits and connectors", () => {
    const whole = filter([["café", true]]);
    assert.deepEqual(matches(whole, "au café!"), ["café"]);
    assert.equal(matches(whole, "cafés"), null, "a letter after é is still inside the word");
    assert.equal(matches(filter([["über", true]]), "drüber"), null);
    assert.deepEqual(matches(filter([["über", true]]), "(über)"), ["über"]);
    assert.equal(matches(filter([["cat", true]]), "cat_fish"), null, "_ is a word character");
    assert.equal(matches(filter([["猫", true]]), "子猫"), null);
  });

  it("needs no boundary where the keyword begins or ends with punctuation", () => {
    assert.deepEqual(matches(filter([["#tag", true]]), "x#tag"), ["#tag"]);
    assert.deepEqual(matches(filter([["c++", true]]), "I like c++."), ["c++"]);
    assert.equal(matches(filter([["c++", true]]), "abc++"), null);
  });

  it("is case-insensitive and reports the first match as written in the status", () => {
    const f = filter([
      ["dog", true],
      ["CAT", true],
    ]);
    assert.deepEqual(matches(f, "My Cat and my dog"), ["Cat"]);
  });

  it("matches regular-expression characters literally", () => {
    assert.equal(matches(filter([["a.c", false]]), "abc"), null);
    assert.deepEqual(matches(filter([["(x)", false]]), "say (x) now"), ["(x)"]);
  });

  it("matches filtered statuses by ID, on a reblog through its original", () => {
    const f = filter([], {}, ["5"]);
    const [result] = matchFilters([f], { id: "9", reblogOfId: "5", text: "" });
    assert.deepEqual(result?.statusMatches, ["5"]);
    assert.equal(result?.keywordMatches, null);
    assert.deepEqual(matchFilters([f], { id: "9", reblogOfId: null, text: "" }), []);
  });

  it("keeps to the filters of the context asked for, and all of them without one", () => {
    const f = filter([["cat", true]], { context: ["public"] });
    const status = { id: "1", reblogOfId: null, text: "cat" };
    assert.deepEqual(matchFilters([f], status, "home"), []);
    assert.equal(matchFilters([f], status, "public").length, 1);
    assert.equal(matchFilters([f], status).length, 1);
  });

  it("matches the content warning, plain text and poll options", () => {
    const remote = {
      local: 0,
      text: "",
      content: "<p>Hello&amp;<br>world</p>",
      spoiler_text: "CW",
    };
    assert.equal(searchableText(remote, ["yes", "no"]), "CW\n\nHello&\nworld\n\nyes\n\nno");
    const local = {
      local: 1,
      text: "as *written*",
      content: "<p>as written</p>",
      spoiler_text: "",
    };
    assert.equal(searchableText(local, null), "\n\nas *written*");
    assert.equal(matches(filter([["p", true]]), searchableText(remote, null)), null);
  });
});
