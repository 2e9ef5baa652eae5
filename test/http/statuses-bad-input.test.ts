// Generated bad input for posting a status and its neighbours (reblog visibility, status IDs,
// hashtags, paging parameters): oversized fields, wrong types in JSON and form bodies,
// malformed JSON, Rails-style keys, unicode edge cases, markup, garbage visibility and
// language, replies to statuses the poster may not see. Every answer is a 2xx or a 4xx with
// {"error": "..."} (never a 5xx); a refused post leaves no row behind; markup that gets
// through is escaped. The generator is seeded: KITH_FUZZ_SEED replays other cases, and every
// failure message names the seed and the case.
import assert from "node:assert/strict";
import { before, it } from "node:test";
import { rowCounts } from "../helpers/row-counts.ts";
import { eachServer, type TestServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { follow } from "./statuses-fixtures.ts";

const SCRIPT = "<script>alert(1)</script>";
const IMG = '"><img src=x onerror=alert(1)>';
const SEED = Number(process.env.KITH_FUZZ_SEED ?? 0);
const CASES = 300;

/** mulberry32, so a failure can be replayed from its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]! };
}
type Rng = ReturnType<typeof random>;

const UNICODE = [
  "\ud800",
  "a\udfffb",
  "\u0000",
  "a\u0000b",
  "\u202eevil\u202c",
  "\u200d\u200b\ufeff",
  "👩‍👩‍👧‍👦🏳️‍🌈",
  `e${"\u0301".repeat(10_000)}`,
  "ｆｕｌｌ",
  "\r\n\t",
  "\u2028\u2029",
];
const ODD: unknown[] = [
  ...UNICODE,
  "",
  " ",
  SCRIPT,
  IMG,
  "x".repeat(5000),
  "y".repeat(100_000),
  "' OR 1=1 --",
  "%00",
  0,
  -1,
  1e308,
  true,
  null,
  [],
  ["a", 1],
  {},
  { nested: { deeper: SCRIPT } },
  [{ x: SCRIPT }],
];

function counts(server: TestServer): Promise<Record<string, number>> {
  return rowCounts(server.kith.ctx.db, [
    "statuses",
    "status_mentions",
    "status_tags",
    "tags",
    "home_feed",
    "notifications",
    "idempotency_keys",
  ]);
}

interface Answer {
  status: number;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: read field by field
  json: any;
}

/** A 2xx with JSON, or a 4xx with {"error": "..."}; never a 5xx. */
function check(res: Answer, label: string): "ok" | "refused" {
  assert.ok(res.status < 500, `${label}: ${res.status} ${res.text.slice(0, 300)}`);
  assert.ok(res.json !== undefined, `${label}: not JSON: ${res.text.slice(0, 300)}`);
  if (res.status >= 200 && res.status < 300) return "ok";
  assert.ok(res.status >= 400, `${label}: ${res.status}`);
  assert.equal(typeof res.json?.error, "string", `${label}: ${res.text.slice(0, 300)}`);
  assert.ok(res.json.error.length > 0, label);
  assert.ok(!res.text.includes("<script>"), `${label}: markup echoed in the error`);
  return "refused";
}

const MODES = ["json", "json", "json", "form", "form", "multipart", "multipart", "raw"] as const;
type Mode = (typeof MODES)[number];

/** Rails-style form pairs from a nested value: `a[]=1`, `a[b][c]=2`. */
function flatten(key: string, value: unknown, out: [string, string][]) {
  if (Array.isArray(value)) for (const v of value) flatten(`${key}[]`, v, out);
  else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) flatten(`${key}[${k}]`, v, out);
  else if (value !== undefined) out.push([key, value === null ? "" : String(value)]);
}

async function send(
  url: string,
  token: string,
  body: Record<string, unknown>,
  rng: Rng,
  headers: Record<string, string> = {},
  mode: Mode = rng.pick(MODES),
): Promise<Answer & { mode: Mode }> {
  const init: RequestInit = { method: "POST", headers: { Authorization: `Bearer ${token}` } };
  const h = init.headers as Record<string, string>;
  Object.assign(h, headers);
  if (mode === "json") {
    h["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  } else if (mode === "raw") {
    h["Content-Type"] = rng.pick(["application/json", "application/json; charset=latin1"]);
    init.body = rng.pick(["{", "[]", "null", '"x"', '{"status":', "{'status': 'x'}", "\u0000"]);
  } else {
    const pairs: [string, string][] = [];
    for (const [k, v] of Object.entries(body)) flatten(k, v, pairs);
    if (mode === "form") {
      h["Content-Type"] = "application/x-www-form-urlencoded";
      init.body = new URLSearchParams(pairs).toString();
    } else {
      const form = new FormData();
      for (const [k, v] of pairs) form.append(k, v);
      init.body = form;
    }
  }
  const response = await fetch(url, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, text, json, mode };
}

eachServer("Bad input on posting statuses never gets a 5xx or leaves a row", (server) => {
  let poster: TestUser;
  let stranger: TestUser;
  const target = {} as Record<"public" | "private" | "direct" | "reblog" | "own", string>;

  before(async () => {
    const ctx = server().kith.ctx;
    poster = await createUser(ctx);
    stranger = await createUser(ctx);
    const fan = await createUser(ctx);
    // A follower who asked for notifications, so a half-written post would show in home_feed
    // and notifications too.
    await follow(ctx, fan, poster, { notify: true });
    const post = async (user: TestUser, body: Record<string, unknown>) => {
      const res = await api(server().url, "POST", "/api/v1/statuses", { token: user.token, body });
      assert.equal(res.status, 200, JSON.stringify(res.json));
      return res.json.id as string;
    };
    target.public = await post(stranger, { status: "hello #fuzz" });
    target.private = await post(stranger, { status: "secret", visibility: "private" });
    target.direct = await post(stranger, { status: "dm", visibility: "direct" });
    target.own = await post(poster, { status: "mine" });
    const rb = await api(server().url, "POST", `/api/v1/statuses/${target.public}/reblog`, {
      token: stranger.token,
    });
    target.reblog = rb.json.id;
  });

  /** Posts, then insists on a clean refusal or a sound, escaped status. */
  async function attempt(
    body: Record<string, unknown>,
    rng: Rng,
    label: string,
    headers: Record<string, string> = {},
    mode?: Mode,
  ) {
    const before_ = await counts(server());
    const url = `${server().url}/api/v1/statuses`;
    const res = await send(url, poster.token, body, rng, headers, mode);
    const where = `${label} [${res.mode}] ${JSON.stringify(body).slice(0, 200)}`;
    const outcome = check(res, where);
    if (outcome === "refused") {
      assert.deepEqual(await counts(server()), before_, `${where}: rows left behind`);
      return res;
    }
    assert.equal(typeof res.json.id, "string", where);
    const content = res.json.content as string;
    assert.doesNotMatch(content, /<script|<img|onerror="/i, `${where}: unescaped markup`);
    // (A reused Idempotency-Key answers with the earlier status instead.)
    const fresh = !headers["Idempotency-Key"]?.trim() && res.mode !== "raw";
    if (fresh && typeof body.status === "string" && body.status.includes(SCRIPT))
      assert.match(content, /&lt;script&gt;/, `${where}: markup dropped instead of escaped`);
    return res;
  }

  it(`POST /api/v1/statuses: ${CASES} generated cases (seed ${SEED})`, async () => {
    const rng = random(SEED + 1);
    const valid: Record<string, () => unknown> = {
      status: () => rng.pick(["hi #fuzz", `hey @${stranger.username}`, SCRIPT, IMG, "ok"]),
      spoiler_text: () => rng.pick(["", "cw", SCRIPT, IMG]),
      sensitive: () => rng.pick([true, false, "1", "0", "true"]),
      visibility: () => rng.pick(["public", "unlisted", "private", "direct"]),
      in_reply_to_id: () => rng.pick([target.public, target.own]),
      language: () => rng.pick(["en", "de", "pt-BR"]),
    };
    const poison: Record<string, unknown[]> = {
      status: ["", "   ", "y".repeat(100_000), [], {}, 5, null, ["a"], { text: "x" }],
      spoiler_text: ["s".repeat(600), [], { a: 1 }, 7],
      sensitive: ["maybe", [], { a: 1 }, 2],
      visibility: ["secret", "PUBLIC", "limited", SCRIPT, [], { a: 1 }, 1],
      in_reply_to_id: [
        target.private,
        target.direct,
        target.reblog,
        "999999999999999999",
        "abc",
        "1".repeat(40),
        { id: 1 },
        [target.public],
      ],
      language: ["xx-garbage", SCRIPT, "e", "\u0000", [], { a: 1 }],
      media_ids: [["1"], "123", [{}], { 0: "1" }],
      poll: [{ options: ["a", "b"], expires_in: 60 }, "x", ["a"]],
    };
    const railsKeys = [
      "status[]",
      "status[text]",
      "visibility[]",
      "media_ids[][x]",
      "poll[options][]",
    ];
    const keys = ["__proto__", "constructor", "status[x][y]"];
    for (let i = 0; i < CASES; i++) {
      const body: Record<string, unknown> = {};
      for (const [field, make] of Object.entries(valid)) {
        const roll = rng.next();
        if (roll < 0.45) body[field] = make();
        else if (roll < 0.65) body[field] = rng.pick(ODD);
        else if (roll < 0.8) body[field] = rng.pick(poison[field]!);
      }
      if (body.status === undefined) body.status = valid.status!();
      if (rng.next() < 0.15) body[rng.pick(["media_ids", "poll"])] = rng.pick(poison.media_ids!);
      if (rng.next() < 0.1) body[rng.pick([...railsKeys, ...keys])] = rng.pick(ODD);
      const headers: Record<string, string> = {};
      if (rng.next() < 0.2)
        headers["Idempotency-Key"] = rng.pick([
          "",
          " ",
          "k".repeat(5000),
          "caf\u00e9",
          "%00",
          `k${i}`,
        ]);
      await attempt(body, rng, `seed ${SEED} case #${i}`, headers);
    }
  });

  it("POST /api/v1/statuses: hand-picked cases with exact answers", async () => {
    const rng = random(SEED + 2);
    const exact: [string, Record<string, unknown>, number, RegExp?][] = [
      [
        "reply to private",
        { status: "re", in_reply_to_id: target.private },
        404,
        /appear to exist/,
      ],
      ["reply to direct", { status: "re", in_reply_to_id: target.direct }, 404, /appear to exist/],
      ["reply to a reblog", { status: "re", in_reply_to_id: target.reblog }, 404],
      ["reply to nothing", { status: "re", in_reply_to_id: "999999999999999999" }, 404],
      ["reply to garbage", { status: "re", in_reply_to_id: "<b>" }, 404],
      ["blank", { status: "  " }, 422, /can't be blank/],
      ["null status", { status: null }, 422, /can't be blank/],
      ["too long", { status: "y".repeat(501) }, 422, /character limit/],
      ["long spoiler", { status: "x", spoiler_text: "s".repeat(500) }, 422, /character limit/],
      ["array status", { status: ["a"] }, 422],
      ["object visibility", { status: "x", visibility: { a: 1 } }, 422],
      ["bad visibility", { status: "x", visibility: "secret" }, 422],
      ["bad language", { status: "x", language: "xx-garbage" }, 422, /valid language/],
      ["media", { status: "x", media_ids: ["1"] }, 422],
      [
        "poll too short",
        { status: "x", poll: { options: ["a", "b"], expires_in: 60 } },
        422,
        /too soon/,
      ],
      [
        "poll of one",
        { status: "x", poll: { options: ["a"], expires_in: 600 } },
        422,
        /more than one/,
      ],
      ["poll not an object", { status: "x", poll: ["a", "b"] }, 422],
      ["NUL only", { status: "\u0000" }, 422],
      ["NUL inside", { status: "a\u0000b" }, 422, /NUL/],
      ["NUL in the warning", { status: "a", spoiler_text: "\u0000" }, 422, /NUL/],
      ["NUL in the reply ID", { status: "a", in_reply_to_id: "1\u0000" }, 404],
      // Counted in graphemes, as Mastodon does: 10,000 combining marks on one letter are one.
      ["combining marks", { status: `e${"\u0301".repeat(10_000)}` }, 200],
      ["RTL override", { status: "\u202eevil\u202c" }, 200],
      ["ZWJ emoji", { status: "👩‍👩‍👧‍👦🏳️‍🌈" }, 200],
      ["lone surrogates", { status: "a\ud800b\udfff" }, 200],
    ];
    for (const [name, body, status, message] of exact) {
      for (const mode of ["json", "form"] as const) {
        const res = await attempt(body, rng, name, {}, mode);
        assert.equal(res.status, status, `${name} [${mode}]: ${res.text.slice(0, 200)}`);
        if (message) assert.match(res.json.error, message, name);
      }
    }
    // Idempotency keys of any length and content: a long random one is no index-busting 500.
    const noise = Array.from({ length: 6000 }, () =>
      rng.pick([..."abcdefghijklmnopqrstuvwxyz0123456789"]),
    ).join("");
    const keyed = new Set<string>();
    for (const key of [noise, `${noise}x`, "caf\u00e9", " padded "]) {
      const res = await attempt(
        { status: "keyed" },
        rng,
        `key ${key.slice(0, 20)}`,
        { "Idempotency-Key": key },
        "json",
      );
      assert.equal(res.status, 200, res.text.slice(0, 200));
      const again = await attempt(
        { status: "keyed" },
        rng,
        "same key",
        { "Idempotency-Key": key },
        "json",
      );
      assert.equal(again.json.id, res.json.id, "the same key gives the same status");
      keyed.add(res.json.id);
    }
    assert.equal(keyed.size, 4, "different keys, different statuses");
    // Markup in the text and the content warning: escaped in the HTML content; the
    // spoiler_text is plain text (clients escape it) and the public page escapes it.
    const res = await attempt(
      { status: `${SCRIPT} ${IMG}`, spoiler_text: `${SCRIPT}${IMG}`, visibility: "public" },
      rng,
      "markup",
      {},
      "json",
    );
    assert.equal(res.status, 200);
    assert.match(res.json.content, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(res.json.content, /&quot;&gt;&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.equal(res.json.spoiler_text, `${SCRIPT}${IMG}`);
    const page = await fetch(`${server().url}/@${poster.username}/${res.json.id}`, {
      headers: { Accept: "text/html" },
    });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.ok(!html.includes(SCRIPT) && !html.includes("<img src=x"), "the page escapes it");
  });

  it("reblog with bad visibility, garbage status IDs, weird tags, garbage paging", async () => {
    const rng = random(SEED + 3);
    const url = server().url;
    const get = async (path: string, label: string) => {
      const res = await api(url, "GET", path, { token: poster.token });
      check({ ...res, text: JSON.stringify(res.json) }, `seed ${SEED} ${label} ${path}`);
      return res;
    };
    const garbageIds = [
      "abc",
      "-1",
      "0x10",
      "1e5",
      "%00",
      "%E0%A4%A",
      "%F0%9F%99%82",
      "99999999999999999999999999",
      "1".repeat(5000),
      "%3Cscript%3E",
      "..%2F..%2Fetc",
      " 1",
    ];
    for (const id of garbageIds) {
      const res = await get(`/api/v1/statuses/${id}`, "status");
      assert.equal(res.status, 404, id);
      assert.deepEqual(res.json, { error: "Record not found" });
      for (const sub of ["context", "favourited_by", "reblogged_by"])
        assert.equal((await get(`/api/v1/statuses/${id}/${sub}`, sub)).status, 404, id);
      assert.equal((await get(`/api/v1/accounts/${id}/statuses`, "account")).status, 404, id);
      const batch = await get(`/api/v1/statuses?id[]=${id}&id[]=${target.public}`, "batch");
      assert.deepEqual(
        batch.json.map((st: { id: string }) => st.id),
        [target.public],
      );
    }
    for (const id of [target.private, target.direct])
      assert.equal((await get(`/api/v1/statuses/${id}`, "invisible")).status, 404);

    // Reblogs: a bad visibility is a 422, whatever the body's form; nothing is written.
    for (const visibility of ["direct", "secret", SCRIPT, "", 5, [], { a: 1 }, null]) {
      const body = { visibility };
      const before1 = await counts(server());
      const res = await send(
        `${url}/api/v1/statuses/${target.own}/reblog`,
        poster.token,
        body,
        rng,
      );
      const label = `seed ${SEED} reblog ${JSON.stringify(body)} [${res.mode}]`;
      if (check(res, label) === "refused") assert.deepEqual(await counts(server()), before1, label);
      else {
        // Only "no visibility" may pass: empty, null, or an empty list (no form field at all).
        const none = visibility === "" || visibility === null;
        const noField = Array.isArray(visibility) && res.mode !== "json";
        assert.ok(none || noField, label);
        const undo = await api(url, "POST", `/api/v1/statuses/${target.own}/unreblog`, {
          token: poster.token,
        });
        assert.equal(undo.status, 200);
      }
    }
    for (const id of [...garbageIds.slice(0, 4), target.private, target.direct]) {
      const res = await api(url, "POST", `/api/v1/statuses/${id}/reblog`, { token: poster.token });
      check({ ...res, text: JSON.stringify(res.json) }, `reblog ${id}`);
      assert.equal(res.status, 404, `reblog ${id}`);
    }

    const before_ = await counts(server());
    // Hashtag timelines: a weird tag is an empty list or a 4xx, never a 5xx.
    const tags = [
      "%00",
      "%F0%9F%99%82",
      "%E0%A4%A",
      "%23fuzz",
      "fu%20zz",
      "a".repeat(1000),
      "%3Cscript%3E",
      "\u0301",
      "%E2%80%AE",
      "fuzz%00",
      "__proto__",
      "..",
    ];
    for (const tag of tags) {
      const res = await get(`/api/v1/timelines/tag/${tag}`, "tag");
      if (res.status === 200) assert.ok(Array.isArray(res.json));
    }
    const fuzz = await get("/api/v1/timelines/tag/fuzz?limit=40", "tag");
    assert.ok(
      fuzz.json.some((st: { id: string }) => st.id === target.public),
      "a sane tag works",
    );

    // Paging parameters on the list endpoints.
    const lists = [
      "/api/v1/timelines/home",
      "/api/v1/timelines/public",
      "/api/v1/timelines/tag/fuzz",
      `/api/v1/accounts/${stranger.accountId}/statuses`,
      "/api/v1/notifications",
      "/api/v2/notifications",
      "/api/v1/bookmarks",
      "/api/v1/favourites",
      `/api/v1/statuses/${target.public}/reblogged_by`,
    ];
    const values = [
      "abc",
      "-1",
      "1.5",
      "1e309",
      "99999999999999999999",
      "%00",
      "%F0",
      "0",
      "99999999999",
      "",
      "🙂",
      "1,2",
    ];
    for (let i = 0; i < 120; i++) {
      const params = new URLSearchParams();
      for (const p of ["max_id", "min_id", "since_id", "limit", "limit[]", "max_id[x]"])
        if (rng.next() < 0.4) params.append(p, rng.pick(values));
      const query = params.toString().replace(/%25(00|F0)/g, "%$1");
      const res = await get(`${rng.pick(lists)}?${query}`, `paging #${i}`);
      if (res.status === 200) assert.ok(Array.isArray(res.json) || typeof res.json === "object");
    }
    assert.deepEqual(await counts(server()), before_, "reads and refusals wrote nothing");
  });
});
