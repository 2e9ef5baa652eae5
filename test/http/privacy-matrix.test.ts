// Who sees a status, through every surface that can show one: each visibility × each kind of
// reader × each surface (the API, notifications v1 and v2, and the public HTML pages), asserted
// against a table written out by hand. A failure prints the whole difference, so a leak shows
// as "surface/visibility/reader".
import assert from "node:assert/strict";
import { before, it } from "node:test";
import type { Visibility } from "../../src/db/schema.ts";
import { createWebSession } from "../../src/domain/oauth/web-sessions.ts";
import { SESSION_COOKIE } from "../../src/http/pages/web-session.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { follow, ids, postOk } from "./statuses-fixtures.ts";

const VISIBILITIES: Visibility[] = ["public", "unlisted", "private", "direct"];
const READERS = ["author", "mentioned", "follower", "other", "anonymous"] as const;
type Reader = (typeof READERS)[number];

// Who may see a status of each visibility at all (GET, context, the account's page, batch
// GET, favourited_by/reblogged_by, bookmarking).
const SEES: Record<Visibility, Reader[]> = {
  public: ["author", "mentioned", "follower", "other", "anonymous"],
  unlisted: ["author", "mentioned", "follower", "other", "anonymous"],
  private: ["author", "mentioned", "follower"],
  direct: ["author", "mentioned"],
};

// The surfaces whose expectations differ from SEES.
const EXPECTED: Record<string, Record<Visibility, Reader[]>> = {
  // Home: the author, followers for all but direct, mentioned accounts only for direct (the
  // mentioned reader does not follow the author); anonymous readers have no home.
  home: {
    public: ["author", "follower"],
    unlisted: ["author", "follower"],
    private: ["author", "follower"],
    direct: ["author", "mentioned"],
  },
  // Public and hashtag timelines: public statuses only, for everyone.
  public: { public: [...READERS], unlisted: [], private: [], direct: [] },
  tag: { public: [...READERS], unlisted: [], private: [], direct: [] },
  // Anonymous readers cannot bookmark.
  bookmarks: {
    public: ["author", "mentioned", "follower", "other"],
    unlisted: ["author", "mentioned", "follower", "other"],
    private: ["author", "mentioned", "follower"],
    direct: ["author", "mentioned"],
  },
  // The author's own reblog: a followers-only original is reblogged followers-only (so a
  // mentioned non-follower does not see the reblog); a direct status cannot be reblogged.
  reblog: {
    public: [...READERS],
    unlisted: [...READERS],
    private: ["author", "follower"],
    direct: [],
  },
  // Notifications (v1 and v2 grouped) that mention the status anywhere: as their status, as a
  // reblogged original, or as the parent of a reply. The set-up: the follower follows with
  // notify=true, the status mentions the mentioned reader, and "other" tries to reply to each
  // status mentioning the author. Mastodon semantics:
  //  - author: only through other's reply (a mention of the author whose in_reply_to_id is
  //    the status); other may reply only to what other may see, so public and unlisted. The
  //    author's own favourite and reblog notify nobody (Mastodon skips self-notifications).
  //  - mentioned: a `mention` for public, unlisted and private (a mention is how private
  //    statuses reach a non-follower); the direct one is filed under notification requests
  //    by Mastodon 4.3+'s default notification policy (for_private_mentions: filter, the
  //    sender not being followed), so it is not listed.
  //  - follower: a `status` notification (FeedInsertWorker#notify?: the follow has notify,
  //    the status is no reblog, and a self-reply counts) for what reaches the follower's
  //    home: public, unlisted, private; a direct status does not address the follower.
  //  - other: nothing; its refused replies to private and direct statuses notify nobody.
  //  - anonymous: no notifications at all (401).
  notifications: {
    public: ["author", "mentioned", "follower"],
    unlisted: ["author", "mentioned", "follower"],
    private: ["mentioned", "follower"],
    direct: [],
  },
  notifications_v2: {
    public: ["author", "mentioned", "follower"],
    unlisted: ["author", "mentioned", "follower"],
    private: ["mentioned", "follower"],
    direct: [],
  },
  // The public pages always render what an anonymous visitor may see, whoever's session
  // cookie comes along: public and unlisted statuses on the profile (Mastodon's profile
  // shows unlisted posts; the self-reply thread stays on it) and on their own page, nothing
  // private or direct.
  profile_page: {
    public: [...READERS],
    unlisted: [...READERS],
    private: [],
    direct: [],
  },
  status_page: {
    public: [...READERS],
    unlisted: [...READERS],
    private: [],
    direct: [],
  },
  // The tag page lists public statuses only, as the hashtag timeline does.
  tag_page: { public: [...READERS], unlisted: [], private: [], direct: [] },
};

const SAME_AS_SEES = ["status", "batch", "context", "account", "favourited_by", "reblogged_by"];

eachServer("privacy matrix", (server) => {
  const users = {} as Record<Exclude<Reader, "anonymous">, TestUser>;
  const statusOf = {} as Record<Visibility, string>;
  const reblogOf = {} as Partial<Record<Visibility, string>>;
  const cookieOf = {} as Record<Exclude<Reader, "anonymous">, string>;
  const replyBy = {} as Record<Visibility, Awaited<ReturnType<typeof api>>>;
  let root = "";
  const tag = "matrixtag";
  // A word only the status of that visibility contains, to look for in HTML.
  const word = (v: Visibility) => `matrixword${v}`;

  before(async () => {
    const ctx = server().kith.ctx;
    for (const reader of ["author", "mentioned", "follower", "other"] as const)
      users[reader] = await createUser(ctx);
    await follow(ctx, users.follower, users.author, { notify: true });
    const url = server().url;
    root = (await postOk(url, users.author, { status: "thread root" })).id;
    for (const visibility of VISIBILITIES) {
      const s = await postOk(url, users.author, {
        status: `@${users.mentioned.username} ${visibility} #${tag} ${word(visibility)}`,
        visibility,
        in_reply_to_id: root,
      });
      statusOf[visibility] = s.id;
      // Interactions by the author, so the lists have someone in them.
      await api(url, "POST", `/api/v1/statuses/${s.id}/favourite`, {
        token: users.author.token,
      });
      const rb = await api(url, "POST", `/api/v1/statuses/${s.id}/reblog`, {
        token: users.author.token,
      });
      if (visibility === "direct") assert.equal(rb.status, 422, "direct cannot be reblogged");
      else {
        assert.equal(rb.status, 200);
        reblogOf[visibility] = rb.json.id;
      }
    }
    // "other" answers each status, mentioning the author (checked in a test of its own, so a
    // leak here fails the surfaces rather than the set-up).
    for (const visibility of VISIBILITIES) {
      replyBy[visibility] = await api(url, "POST", "/api/v1/statuses", {
        token: users.other.token,
        body: { status: `@${users.author.username} re`, in_reply_to_id: statusOf[visibility] },
      });
    }
    for (const reader of ["author", "mentioned", "follower", "other"] as const) {
      const session = await createWebSession(ctx, users[reader].accountId, {
        userAgent: null,
        ip: null,
      });
      cookieOf[reader] = `${SESSION_COOKIE}=${session.id}`;
    }
  });

  const token = (reader: Reader) => (reader === "anonymous" ? {} : { token: users[reader].token });
  const user = (reader: Reader) => (reader === "anonymous" ? undefined : users[reader]);

  async function observe(surface: string, reader: Reader, v: Visibility): Promise<boolean> {
    const url = server().url;
    const id = statusOf[v];
    const got = async (path: string) => {
      const res = await api(url, "GET", path, token(reader));
      // Never 403: a hidden status must be indistinguishable from a missing one.
      assert.ok(res.status === 200 || res.status === 404, `${path}: ${res.status}`);
      if (res.status === 404) assert.deepEqual(res.json, { error: "Record not found" });
      return res.status === 200;
    };
    switch (surface) {
      case "status":
        return got(`/api/v1/statuses/${id}`);
      case "batch":
        return (await ids(url, `/api/v1/statuses?id[]=${id}`, user(reader))).includes(id);
      case "context": {
        const res = await api(url, "GET", `/api/v1/statuses/${root}/context`, token(reader));
        const inThread = res.json.descendants.some((s: { id: string }) => s.id === id);
        assert.equal(await got(`/api/v1/statuses/${id}/context`), inThread);
        return inThread;
      }
      case "account":
        return (
          await ids(url, `/api/v1/accounts/${users.author.accountId}/statuses`, user(reader))
        ).includes(id);
      case "home":
        if (reader === "anonymous") {
          assert.equal((await api(url, "GET", "/api/v1/timelines/home")).status, 401);
          return false;
        }
        return (await ids(url, "/api/v1/timelines/home?limit=40", user(reader))).includes(id);
      case "public":
        return (await ids(url, "/api/v1/timelines/public?limit=40", user(reader))).includes(id);
      case "tag":
        return (await ids(url, `/api/v1/timelines/tag/${tag}`, user(reader))).includes(id);
      case "favourited_by":
      case "reblogged_by": {
        const path = `/api/v1/statuses/${id}/${surface}`;
        const visible = await got(path);
        if (visible) {
          // The author favourited and reblogged it; the reblog is listed only to those who
          // may see the reblog itself.
          const res = await api(url, "GET", path, token(reader));
          const listed = surface === "favourited_by" || EXPECTED.reblog![v].includes(reader);
          assert.equal(res.json.length, listed ? 1 : 0, `${path} as ${reader}`);
        }
        return visible;
      }
      case "bookmarks": {
        if (reader === "anonymous") {
          const res = await api(url, "POST", `/api/v1/statuses/${id}/bookmark`);
          assert.equal(res.status, 401);
          return false;
        }
        const res = await api(url, "POST", `/api/v1/statuses/${id}/bookmark`, token(reader));
        assert.ok(res.status === 200 || res.status === 404);
        const listed = (await ids(url, "/api/v1/bookmarks?limit=40", user(reader))).includes(id);
        assert.equal(listed, res.status === 200);
        return listed;
      }
      case "reblog": {
        const reblogId = reblogOf[v];
        if (!reblogId) return false;
        const seen = await got(`/api/v1/statuses/${reblogId}`);
        const onProfile = (
          await ids(url, `/api/v1/accounts/${users.author.accountId}/statuses`, user(reader))
        ).includes(reblogId);
        assert.equal(onProfile, seen, "the profile shows the reblog exactly when it is visible");
        return seen;
      }
      case "notifications":
      case "notifications_v2": {
        const path =
          surface === "notifications" ? "/api/v1/notifications" : "/api/v2/notifications";
        const res = await api(url, "GET", `${path}?limit=80`, token(reader));
        if (reader === "anonymous") {
          assert.equal(res.status, 401);
          return false;
        }
        assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.json)}`);
        // Anywhere in the answer: as a status, a reblogged original, a reply's parent, a
        // group's status_id or a side-loaded status, by ID or by its text.
        const text = JSON.stringify(res.json);
        const found = text.includes(id) || text.includes(word(v));
        if (found && surface === "notifications") {
          // …and of the kind the table's comment gives: the author's is other's reply.
          const kinds = (res.json as { type: string }[])
            .filter((n) => JSON.stringify(n).includes(id))
            .map((n) => n.type);
          const kind = reader === "follower" ? "status" : "mention";
          assert.deepEqual(kinds, [kind], `${reader} about ${v}`);
        }
        return found;
      }
      case "profile_page":
        return (await page(`/@${users.author.username}`, reader)).includes(word(v));
      case "status_page": {
        const own = await page(`/@${users.author.username}/${id}`, reader);
        const inThread = (await page(`/@${users.author.username}/${root}`, reader)).includes(
          word(v),
        );
        assert.equal(
          own.includes(word(v)),
          inThread,
          "the thread shows it exactly when its page does",
        );
        return inThread;
      }
      case "tag_page":
        return (await page(`/tags/${tag}`, reader)).includes(word(v));
      default:
        throw new Error(surface);
    }
  }

  /** A public page's HTML, fetched with the reader's session cookie (none when anonymous). */
  async function page(path: string, reader: Reader): Promise<string> {
    const headers: Record<string, string> = { Accept: "text/html" };
    if (reader !== "anonymous") headers.Cookie = cookieOf[reader];
    const res = await fetch(`${server().url}${path}`, { headers, redirect: "manual" });
    const body = await res.text();
    // A hidden status's page is the same 404 as a missing one.
    assert.ok(res.status === 200 || res.status === 404, `${path}: ${res.status}`);
    if (res.status === 404) assert.match(body, /Not found/);
    return res.status === 200 ? body : "";
  }

  for (const surface of [...SAME_AS_SEES, ...Object.keys(EXPECTED)]) {
    it(`${surface}: shows each visibility to exactly the right readers`, async () => {
      const table = EXPECTED[surface] ?? SEES;
      const expected: string[] = [];
      const actual: string[] = [];
      for (const v of VISIBILITIES)
        for (const reader of READERS) {
          const label = `${surface}/${v}/${reader}`;
          if (table[v].includes(reader)) expected.push(label);
          if (await observe(surface, reader, v)) actual.push(label);
        }
      assert.deepEqual(actual, expected);
    });
  }

  it("other may reply only to what other may see; a refusal looks like a missing parent", () => {
    const replied = VISIBILITIES.filter((v) => replyBy[v].status === 200);
    assert.deepEqual(replied, ["public", "unlisted"]);
    for (const v of replied) assert.equal(replyBy[v].json.in_reply_to_id, statusOf[v]);
    for (const v of ["private", "direct"] as const) {
      assert.equal(replyBy[v].status, 404);
      assert.deepEqual(replyBy[v].json, {
        error: "The post you are trying to reply to does not appear to exist.",
      });
    }
  });

  it("staff get no exception", async () => {
    const admin = await createUser(server().kith.ctx, { role: "admin" });
    for (const v of ["private", "direct"] as const) {
      const res = await api(server().url, "GET", `/api/v1/statuses/${statusOf[v]}`, {
        token: admin.token,
      });
      assert.equal(res.status, 404);
    }
  });
});
