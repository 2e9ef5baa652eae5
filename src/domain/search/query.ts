// Reading a status search query as Mastodon's SearchQueryParser does: words and "quoted
// phrases" that must all appear, `-word` for words that must not, and the operators
// from: has: is: language: before: after: during: in:, each negatable with `-`. A prefix that
// is not an operator is part of an ordinary word (`ratio:16:9` is text).
import { validation } from "../errors.ts";

export type Scope = "all" | "library" | "public";

export type Filter =
  | { kind: "from"; handle: string }
  | { kind: "property"; name: string }
  | { kind: "language"; code: string }
  | { kind: "before" | "after" | "during"; date: string };

export interface Clause<T> {
  value: T;
  negated: boolean;
}

export interface StatusQuery {
  /** words and phrases, as typed (the database tokenises them like the indexed text) */
  terms: Clause<string>[];
  filters: Clause<Filter>[];
  scope: Scope;
}

const OPERATORS = new Set(["from", "has", "is", "language", "before", "after", "during", "in"]);
/** Upper bounds, so that a pasted essay does not become a query of a thousand clauses. */
const MAX_CLAUSES = 32;

/** Splits into clauses: an optional + or -, an optional `operator:`, then a word or a phrase. */
function tokens(q: string): { sign: string; prefix: string | null; text: string }[] {
  const out: { sign: string; prefix: string | null; text: string }[] = [];
  const clause = /([+-]?)(?:([a-z]+):)?(?:"([^"]*)"?|(\S+))/giy;
  let i = 0;
  while (i < q.length && out.length < MAX_CLAUSES) {
    const space = /\s+/y;
    space.lastIndex = i;
    if (space.exec(q)) i = space.lastIndex;
    if (i >= q.length) break;
    clause.lastIndex = i;
    const m = clause.exec(q);
    if (!m || clause.lastIndex === i) break;
    i = clause.lastIndex;
    const [, sign = "", prefix, phrase, word] = m;
    const isOperator = prefix !== undefined && OPERATORS.has(prefix.toLowerCase());
    const text = phrase ?? word ?? "";
    out.push(
      isOperator
        ? { sign, prefix: prefix.toLowerCase(), text }
        : { sign, prefix: null, text: prefix !== undefined ? `${prefix}:${text}` : text },
    );
  }
  return out;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkedDate(operator: string, text: string): string {
  const time = Date.parse(`${text}T00:00:00.000Z`);
  if (!DATE.test(text) || Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== text)
    throw validation(`Validation failed: ${operator}: needs a date as YYYY-MM-DD`);
  return text;
}

export function parseStatusQuery(q: string): StatusQuery {
  const query: StatusQuery = { terms: [], filters: [], scope: "all" };
  for (const { sign, prefix, text } of tokens(q)) {
    const negated = sign === "-";
    if (text === "") continue;
    switch (prefix) {
      case null:
        // Nothing the index could match (punctuation only) is left out rather than matching all.
        if (/[\p{L}\p{N}]/u.test(text)) query.terms.push({ value: text, negated });
        break;
      case "from":
        query.filters.push({ value: { kind: "from", handle: text }, negated });
        break;
      case "has":
      case "is":
        query.filters.push({ value: { kind: "property", name: text.toLowerCase() }, negated });
        break;
      case "language":
        query.filters.push({ value: { kind: "language", code: text.toLowerCase() }, negated });
        break;
      case "before":
      case "after":
      case "during":
        query.filters.push({ value: { kind: prefix, date: checkedDate(prefix, text) }, negated });
        break;
      case "in": {
        const scope = text.toLowerCase();
        if (scope !== "all" && scope !== "library" && scope !== "public")
          throw validation("Validation failed: in: must be library, public or all");
        query.scope = scope;
        break;
      }
    }
  }
  return query;
}
