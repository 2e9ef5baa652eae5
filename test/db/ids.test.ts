import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { idAtTime, idTime, isId, newId } from "../../src/db/ids.ts";

describe("IDs", () => {
  it("are 18-digit strings that increase within a process", () => {
    const ids = Array.from({ length: 5000 }, () => newId());
    for (const id of ids) assert.match(id, /^\d{18}$/);
    for (let i = 1; i < ids.length; i++)
      assert.ok(ids[i]! > ids[i - 1]!, `${ids[i]} > ${ids[i - 1]}`);
    assert.equal(new Set(ids).size, ids.length);
  });

  it("sort by time the same way as strings, as numbers and as (length, lexical)", () => {
    const times = [Date.UTC(2001, 0, 1), Date.UTC(2016, 5, 1), Date.UTC(2024, 0, 1), Date.now()];
    const ids = times.map((t) => newId(t));
    const asStrings = [...ids].sort();
    const asNumbers = [...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const asMastodon = [...ids].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
    assert.deepEqual(asStrings, ids);
    assert.deepEqual(asNumbers, ids);
    assert.deepEqual(asMastodon, ids);
  });

  it("carry their creation time", () => {
    const at = Date.UTC(2025, 4, 6, 7, 8, 9, 10);
    assert.equal(idTime(newId(at))?.getTime(), at);
    assert.ok(idAtTime(at) <= newId(at));
    assert.equal(idTime("not-an-id"), null);
  });

  it("clamp absurd times from other servers", () => {
    assert.equal(idTime(newId(0))?.getTime(), Date.UTC(2000, 0, 1));
    assert.ok(
      idTime(newId(Date.now() + 10 * 365 * 86_400_000))!.getTime() <= Date.now() + 86_400_000,
    );
  });

  it("recognise only digit strings", () => {
    assert.ok(isId(newId()));
    assert.ok(!isId("12a"));
    assert.ok(!isId(""));
    assert.ok(!isId("1".repeat(25)));
  });
});
