// Reading search queries as Mastodon does: words, phrases, negation, operators, and text that
// only looks like an operator.
import assert from "node:assert/strict";
import { it } from "node:test";
import { parseStatusQuery } from "../../../src/domain/search/query.ts";

it("reads words, phrases and negations", () => {
  const q = parseStatusQuery('cats "black cat" -dogs +birds "unclosed phrase');
  assert.deepEqual(q.terms, [
    { value: "cats", negated: false },
    { value: "black cat", negated: false },
    { value: "dogs", negated: true },
    { value: "birds", negated: false },
    { value: "unclosed phrase", negated: false },
  ]);
  assert.equal(q.scope, "all");
});

it("reads operators, negated or not, and leaves unknown prefixes as text", () => {
  const q = parseStatusQuery(
    "from:@a@b.example -has:link is:Reply language:EN before:2024-01-31 in:library ratio:16:9 https://x.example/p",
  );
  assert.deepEqual(q.filters, [
    { value: { kind: "from", handle: "@a@b.example" }, negated: false },
    { value: { kind: "property", name: "link" }, negated: true },
    { value: { kind: "property", name: "reply" }, negated: false },
    { value: { kind: "language", code: "en" }, negated: false },
    { value: { kind: "before", date: "2024-01-31" }, negated: false },
  ]);
  assert.equal(q.scope, "library");
  assert.deepEqual(
    q.terms.map((t) => t.value),
    ["ratio:16:9", "https://x.example/p"],
  );
});

it("drops clauses the index could never match and refuses bad dates and scopes", () => {
  assert.deepEqual(parseStatusQuery('- " "" ... ***').terms, []);
  assert.throws(() => parseStatusQuery("after:2024-02-30"), /YYYY-MM-DD/);
  assert.throws(() => parseStatusQuery("during:yesterday"), /YYYY-MM-DD/);
  assert.throws(() => parseStatusQuery("in:everything"), /in:/);
});

it("bounds the number of clauses", () => {
  const q = parseStatusQuery(Array.from({ length: 500 }, (_, i) => `w${i}`).join(" "));
  assert.equal(q.terms.length, 32);
});
