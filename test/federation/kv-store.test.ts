import assert from "node:assert/strict";
import { it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { KvKey } from "@fedify/fedify";
import {
  decodeKey,
  encodeKey,
  KithKvStore,
  sweepExpiredKv,
} from "../../src/federation/kv-store.ts";
import { toDuration } from "../../src/federation/temporal.ts";
import { eachDatabase } from "../helpers/databases.ts";

const k = (...parts: string[]) => parts as unknown as KvKey;

async function keysOf(store: KithKvStore, prefix?: KvKey): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of store.list(prefix)) out.push(JSON.stringify(entry.key));
  return out.sort();
}

it("encodes keys reversibly, whatever the segments hold", () => {
  for (const key of [
    ["a"],
    ["a", ""],
    ["", "b"],
    ["x\u0000y", "\u0001", "\u0002z", "0"],
    ["_fedify", "remoteDocument", "https://h.test/%41_b?c=1#d"],
  ]) {
    assert.deepEqual(decodeKey(encodeKey(key)), key);
    assert.ok(!encodeKey(key).includes("\u0000"), "PostgreSQL text cannot hold NUL");
  }
  assert.notEqual(encodeKey(["a", "b"]), encodeKey(["a\u0001b"]));
});

eachDatabase("Fedify KvStore on Kith's database", (fixture) => {
  const store = () => new KithKvStore(fixture().db);

  it("tells a stored null from a missing key", async () => {
    const kv = store();
    assert.equal(await kv.get(k("missing")), undefined);
    await kv.set(k("nothing"), null);
    assert.equal(await kv.get(k("nothing")), null);
    assert.deepEqual(await keysOf(kv, k("nothing")), ['["nothing"]']);
  });

  it("stores JSON values and overwrites them", async () => {
    const kv = store();
    const value = { b: [1, "two", { c: true }], a: 1.5, s: "é\u0001" };
    await kv.set(k("v", "1"), value);
    assert.deepEqual(await kv.get(k("v", "1")), value);
    await kv.set(k("v", "1"), "replaced");
    assert.equal(await kv.get(k("v", "1")), "replaced");
    await kv.delete(k("v", "1"));
    await kv.delete(k("v", "1"));
    assert.equal(await kv.get(k("v", "1")), undefined);
  });

  it("hides expired entries from get, list and cas, and sweeps them", async () => {
    const kv = store();
    await kv.set(k("ttl", "short"), "soon gone", { ttl: toDuration(150) });
    await kv.set(k("ttl", "long"), "stays", { ttl: toDuration(60_000) });
    await kv.set(k("ttl", "day"), "a day", { ttl: toDuration(86_400_000) });
    assert.equal(await kv.get(k("ttl", "short")), "soon gone");
    await sleep(250);
    assert.equal(await kv.get(k("ttl", "short")), undefined);
    assert.equal(await kv.get(k("ttl", "long")), "stays");
    assert.deepEqual(await keysOf(kv, k("ttl")), ['["ttl","day"]', '["ttl","long"]']);
    // An expired entry counts as absent for "must be absent".
    assert.equal(await kv.cas(k("ttl", "short"), "soon gone", "x"), false);
    assert.equal(await kv.cas(k("ttl", "short"), undefined, "again"), true);
    assert.equal(await kv.get(k("ttl", "short")), "again");
    await kv.set(k("ttl", "gone"), 1, { ttl: toDuration(1) });
    await sleep(20);
    assert.ok((await sweepExpiredKv(fixture().db)) >= 1);
    const rows = await fixture().db.kysely.selectFrom("fedify_kv").select("key").execute();
    assert.ok(!rows.some((r) => r.key === encodeKey(["ttl", "gone"])));
  });

  it("lists by key prefix as a range: the prefix itself, no LIKE wildcards, no case folding", async () => {
    const kv = store();
    const base = "https://h.test/users/a_b";
    await kv.set(k("l", base), 1);
    await kv.set(k("l", base, "sub"), 2);
    await kv.set(k("l", base, "sub", "deeper"), 3);
    await kv.set(k("l", "https://h.test/users/aXb"), 4); // `_` must not match X
    await kv.set(k("l", "https://h.test/users/a%"), 5);
    await kv.set(k("l", "https://h.test/users/a%25"), 6);
    await kv.set(k("l", `${base}x`), 7); // a longer segment is not a child
    await kv.set(k("l", "HTTPS://H.TEST/USERS/A_B"), 8);
    await kv.set(k("lx"), 9);
    await kv.set(k("l"), 10);
    assert.deepEqual(
      await keysOf(kv, k("l", base)),
      [
        ["l", base],
        ["l", base, "sub"],
        ["l", base, "sub", "deeper"],
      ]
        .map((key) => JSON.stringify(key))
        .sort(),
    );
    assert.deepEqual(await keysOf(kv, k("l", "https://h.test/users/a%")), [
      JSON.stringify(["l", "https://h.test/users/a%"]),
    ]);
    const all = await keysOf(kv, k("l"));
    assert.equal(all.length, 9);
    assert.ok(all.includes('["l"]') && !all.includes('["lx"]'));
    const everything = await keysOf(kv);
    assert.ok(everything.includes('["lx"]') && everything.includes('["nothing"]'));
    for await (const entry of kv.list(k("l", base, "sub"))) {
      assert.equal(entry.value, entry.key.length === 3 ? 2 : 3);
    }
  });

  it("compares and swaps by value, including 'must be absent' and delete", async () => {
    const kv = store();
    const key = k("cas", "one");
    assert.equal(await kv.cas(key, undefined, undefined), true, "absent as expected");
    assert.equal(await kv.cas(key, undefined, { a: 1, b: [1, 2] }), true);
    assert.equal(await kv.cas(key, undefined, "other"), false, "no longer absent");
    assert.equal(await kv.cas(key, { a: 1, b: [2, 1] }, "x"), false, "arrays keep order");
    assert.equal(await kv.cas(key, { b: [1, 2], a: 1 }, "second"), true, "key order is no matter");
    assert.equal(await kv.cas(key, null, "third"), false, "null is a value, not absence");
    assert.equal(await kv.cas(key, "second", null), true);
    assert.equal(await kv.get(key), null);
    assert.equal(await kv.cas(key, undefined, undefined), false, "null is present");
    assert.equal(await kv.cas(key, null, undefined), true, "swap to undefined deletes");
    assert.equal(await kv.get(key), undefined);
    assert.equal(await kv.cas(key, "anything", undefined), false);
  });

  it("lets exactly one of many racing callers win a cas", async () => {
    const kv = store();
    const key = k("cas", "race");
    const wins = await Promise.all(
      Array.from({ length: 12 }, (_, i) => new KithKvStore(fixture().db).cas(key, undefined, i)),
    );
    assert.equal(wins.filter(Boolean).length, 1);
    assert.equal(await kv.get(key), wins.indexOf(true));
  });

  it("loses no increment when racing read-then-cas loops update one counter", async () => {
    const key = k("cas", "counter");
    await store().set(key, { n: 0 });
    let conflicts = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        const kv = new KithKvStore(fixture().db);
        for (;;) {
          const current = await kv.get<{ n: number }>(key);
          if (await kv.cas(key, current, { n: current!.n + 1 })) return;
          conflicts += 1;
        }
      }),
    );
    assert.deepEqual(await store().get(key), { n: 10 });
    assert.ok(conflicts > 0, "the callers really raced");
  });
});
