// Who finds a status through search, whatever the operator: each post × each reader × each
// query, asserted against tables written out by hand. A reader finds another person's post
// only if they may see it and either it is in their library (mentioned, favourited,
// bookmarked, boosted, replied to) or it is public and its author opted in (`indexable`); their
// own posts always. Blocks and mutes hold; anonymous readers find no statuses at all; and
// resolve=true gives a status by its URL only to those who may see it. A failure prints the
// whole difference as "query/post: readers".
import assert from "node:assert/strict";
import { before, it } from "node:test";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { block, follow, mute, postOk } from "./statuses-fixtures.ts";

const READERS = ["alice", "bob", "carol", "dave", "eve", "frank", "mallory"] as const;
type Reader = (typeof READERS)[number];
const POSTS = [
  "apub",
  "aunl",
  "apriv",
  "aprivgone",
  "adm",
  "cpub",
  "cpriv",
  "cunl",
  "cdm",
  "mpub",
  "dreply",
] as const;
type Post = (typeof POSTS)[number];

const AUTHOR: Record<Post, Reader> = {
  apub: "alice",
  aunl: "alice",
  apriv: "alice",
  aprivgone: "alice",
  adm: "alice",
  cpub: "carol",
  cpriv: "carol",
  cunl: "carol",
  cdm: "carol",
  mpub: "mallory",
  dreply: "dave",
};

// The set-up (before()): alice and mallory are indexable, nobody else. dave follows alice; eve
// follows carol; frank followed alice, favourited `aprivgone`, then unfollowed. bob bookmarked
// `aunl`; dave favourited `apriv` and replied to `cpub` (`dreply`); eve favourited `cpub` and
// boosted `cunl`. `adm` and `cdm` are addressed to bob. alice blocked mallory; bob blocked
// carol and muted mallory.

// In the reader's library (own, or interacted with) and visible to them.
const LIBRARY: Record<Post, Reader[]> = {
  apub: ["alice"],
  aunl: ["alice", "bob"],
  apriv: ["alice", "dave"],
  aprivgone: ["alice"],
  adm: ["alice", "bob"],
  cpub: ["carol", "dave", "eve"],
  cpriv: ["carol"],
  cunl: ["carol", "eve"],
  cdm: ["carol"],
  mpub: ["mallory"],
  dreply: ["dave"],
};
// Public, by an indexable author, visible, and neither blocked nor muted.
const PUBLIC_INDEX: Record<Post, Reader[]> = {
  apub: ["alice", "bob", "carol", "dave", "eve", "frank"],
  aunl: [],
  apriv: [],
  aprivgone: [],
  adm: [],
  cpub: [],
  cpriv: [],
  cunl: [],
  cdm: [],
  mpub: ["carol", "dave", "eve", "frank", "mallory"],
  dreply: [],
};
// Who may see each post at all (visibility.ts), for resolve=true by URL.
const SEES: Record<Post, Reader[]> = {
  apub: ["alice", "bob", "carol", "dave", "eve", "frank"],
  aunl: ["alice", "bob", "carol", "dave", "eve", "frank"],
  apriv: ["alice", "dave"],
  aprivgone: ["alice", "dave"],
  adm: ["alice", "bob"],
  cpub: ["alice", "carol", "dave", "eve", "frank", "mallory"],
  cpriv: ["carol", "eve"],
  cunl: ["alice", "carol", "dave", "eve", "frank", "mallory"],
  cdm: ["carol"],
  mpub: ["bob", "carol", "dave", "eve", "frank", "mallory"],
  dreply: ["alice", "bob", "carol", "dave", "eve", "frank", "mallory"],
};
const FINDS = Object.fromEntries(
  POSTS.map((p) => [p, [...new Set([...LIBRARY[p], ...PUBLIC_INDEX[p]])]]),
) as Record<Post, Reader[]>;

type Table = Record<Post, Reader[]>;
const only = (table: Table, keep: (post: Post) => boolean): Table =>
  Object.fromEntries(POSTS.map((p) => [p, keep(p) ? table[p] : []])) as Table;

eachServer("search privacy", (server) => {
  const users = {} as Record<Reader, TestUser>;
  const ids = {} as Record<Post, string>;
  const urls = {} as Record<Post, string>;

  before(async () => {
    const { url, kith } = server();
    const ctx = kith.ctx;
    for (const name of READERS) users[name] = await createUser(ctx, { username: name });
    for (const name of ["alice", "mallory"] as const) {
      const res = await api(url, "PATCH", "/api/v1/accounts/update_credentials", {
        token: users[name].token,
        form: { indexable: "true" },
      });
      assert.equal(res.json.indexable, true);
    }
    await follow(ctx, users.dave, users.alice);
    await follow(ctx, users.eve, users.carol);
    await follow(ctx, users.frank, users.alice);
    const make = async (post: Post, visibility: string, extra: Record<string, unknown> = {}) => {
      const mention = post === "adm" || post === "cdm" ? "@bob " : "";
      const json = await postOk(url, users[AUTHOR[post]], {
        status: `${mention}matrixword word${post} https://example.com/${post}`,
        visibility,
        ...extra,
      });
      ids[post] = json.id;
      urls[post] = json.url;
    };
    await make("apub", "public");
    await make("aunl", "unlisted");
    await make("apriv", "private");
    await make("aprivgone", "private");
    await make("adm", "direct");
    await make("cpub", "public");
    await make("cpriv", "private");
    await make("cunl", "unlisted");
    await make("cdm", "direct");
    await make("mpub", "public");
    await make("dreply", "public", { in_reply_to_id: ids.cpub });
    const act = async (reader: Reader, post: Post, action: string) => {
      const res = await api(url, "POST", `/api/v1/statuses/${ids[post]}/${action}`, {
        token: users[reader].token,
      });
      assert.equal(res.status, 200, `${reader} ${action} ${post}: ${JSON.stringify(res.json)}`);
    };
    await act("bob", "aunl", "bookmark");
    await act("dave", "apriv", "favourite");
    await act("frank", "aprivgone", "favourite");
    await act("eve", "cpub", "favourite");
    await act("eve", "cunl", "reblog");
    await ctx.db.kysely
      .deleteFrom("follows")
      .where("account_id", "=", users.frank.accountId)
      .where("target_account_id", "=", users.alice.accountId)
      .execute();
    await block(ctx, users.alice, users.mallory);
    await block(ctx, users.bob, users.carol);
    await mute(ctx, users.bob, users.mallory);
  });

  /** Which readers find which posts for `query` (anonymous readers are checked apart). */
  async function found(query: string, extra = ""): Promise<Table> {
    const table = Object.fromEntries(POSTS.map((p) => [p, [] as Reader[]])) as Table;
    const byId = new Map(POSTS.map((p) => [ids[p], p]));
    for (const reader of READERS) {
      const res = await api(
        server().url,
        "GET",
        `/api/v2/search?type=statuses&limit=40&q=${encodeURIComponent(query)}${extra}`,
        { token: users[reader].token },
      );
      assert.equal(res.status, 200, `${query}: ${JSON.stringify(res.json)}`);
      for (const status of res.json.statuses) {
        const post = byId.get(status.id);
        assert.ok(post, `${query}: ${reader} found a status outside the matrix`);
        table[post].push(reader);
      }
    }
    return table;
  }

  const expectFound = async (query: string, expected: Table, extra = "") => {
    const actual = await found(query, extra);
    const show = (t: Table) => POSTS.map((p) => `${query}/${p}: ${[...t[p]].sort().join(",")}`);
    assert.deepEqual(show(actual), show(expected));
  };

  it("finds by words only what the reader may find, in every scope", async () => {
    await expectFound("matrixword", FINDS);
    await expectFound("matrixword in:library", LIBRARY);
    await expectFound("in:library", LIBRARY);
    await expectFound("matrixword in:public", PUBLIC_INDEX);
    await expectFound("in:public", PUBLIC_INDEX);
    await expectFound("in:all matrixword", FINDS);
  });

  it("finds nothing more through operators, negations or phrases", async () => {
    await expectFound("has:link", FINDS);
    await expectFound("-has:media", FINDS);
    await expectFound("matrixword -nothingatall", FINDS);
    await expectFound("matrixword after:2000-01-01", FINDS);
    await expectFound(
      "-is:reply matrixword",
      only(FINDS, (p) => p !== "dreply"),
    );
    await expectFound(
      "is:reply",
      only(FINDS, (p) => p === "dreply"),
    );
    await expectFound(
      "-matrixword",
      only(FINDS, () => false),
    );
    for (const author of ["alice", "carol", "mallory", "dave"] as const) {
      const theirs = only(FINDS, (p) => AUTHOR[p] === author);
      await expectFound(`from:${author}`, theirs);
      await expectFound(`matrixword from:@${author}`, theirs);
      await expectFound("matrixword", theirs, `&account_id=${users[author].accountId}`);
    }
    for (const post of POSTS) {
      await expectFound(
        `"matrixword word${post}"`,
        only(FINDS, (p) => p === post),
      );
    }
  });

  it("finds no statuses for anonymous readers", async () => {
    for (const q of ["matrixword", "from:alice", "in:public", "has:link"]) {
      const res = await api(server().url, "GET", `/api/v2/search?q=${encodeURIComponent(q)}`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.json.statuses, [], q);
    }
  });

  it("resolves a status by its URL only for those who may see it", async () => {
    const actual = Object.fromEntries(POSTS.map((p) => [p, [] as Reader[]])) as Table;
    for (const post of POSTS) {
      for (const reader of READERS) {
        const res = await api(
          server().url,
          "GET",
          `/api/v2/search?resolve=true&q=${encodeURIComponent(urls[post])}`,
          { token: users[reader].token },
        );
        assert.equal(res.status, 200);
        if (res.json.statuses.some((s: { id: string }) => s.id === ids[post]))
          actual[post].push(reader);
      }
      const anonymous = await api(
        server().url,
        "GET",
        `/api/v2/search?q=${encodeURIComponent(urls[post])}`,
      );
      assert.deepEqual(anonymous.json.statuses, [], `anonymous: ${post}`);
    }
    const show = (t: Table) => POSTS.map((p) => `${p}: ${[...t[p]].sort().join(",")}`);
    assert.deepEqual(show(actual), show(SEES));
  });
});
