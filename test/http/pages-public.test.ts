// The public pages over HTTP on both databases: titles, OpenGraph and ActivityPub alternate
// tags; only what an anonymous visitor may see (private and direct statuses never appear, and
// their pages are the very same 404 as a missing status); escaping of user content; paging;
// and content negotiation (ActivityPub clients never get HTML).
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { suspend } from "../../src/domain/accounts/admin.ts";
import { TERMS_OF_SERVICE_FILE } from "../../src/domain/instance-texts.ts";
import { createWebSession } from "../../src/domain/oauth/web-sessions.ts";
import { addServerRule } from "../../src/domain/server-rules.ts";
import { createStatus } from "../../src/domain/statuses/create.ts";
import type { StatusRow } from "../../src/domain/statuses/queries.ts";
import { loadViewer } from "../../src/domain/viewer.ts";
import { createApp } from "../../src/http/app.ts";
import { eachServer } from "../helpers/server.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

const AP = "application/activity+json";
const LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"';

interface Page {
  status: number;
  headers: Headers;
  body: string;
}

/** The content of `<meta property=NAME>`, or undefined. */
function meta(body: string, property: string): string | undefined {
  const re = new RegExp(`<meta property="${property}" content="([^"]*)"`);
  return re.exec(body)?.[1];
}

function assertOpenGraph(body: string, o: { type: string; url: string; image?: boolean }) {
  assert.equal(meta(body, "og:type"), o.type);
  assert.equal(meta(body, "og:url"), o.url);
  assert.equal(meta(body, "og:site_name"), "Kith");
  assert.ok(meta(body, "og:title"), "og:title");
  assert.ok(meta(body, "og:description") !== undefined, "og:description");
  if (o.image) assert.match(meta(body, "og:image") ?? "", /^https?:\/\//);
}

const title = (body: string) => /<title>([^<]*)<\/title>/.exec(body)?.[1];
const alternate = (body: string) =>
  /<link rel="alternate" type="application\/activity\+json" href="([^"]*)"/.exec(body)?.[1];

eachServer("public pages", (server) => {
  const ctx = () => server().kith.ctx;
  const get = async (path: string, accept = "text/html", cookie?: string): Promise<Page> => {
    const res = await fetch(`${server().url}${path}`, {
      headers: { Accept: accept, ...(cookie ? { Cookie: cookie } : {}) },
      redirect: "manual",
    });
    return { status: res.status, headers: res.headers, body: await res.text() };
  };
  let alice: TestUser;
  let bob: TestUser;
  const posts: Record<string, StatusRow> = {};

  before(async () => {
    alice = await createUser(ctx(), { username: "alice", role: "admin" });
    bob = await createUser(ctx(), { username: "bob" });
    await ctx()
      .db.kysely.updateTable("accounts")
      .set({
        display_name: "<script>alert(1)</script>",
        fields: JSON.stringify([{ name: "<i>Site</i>", value: "<p>mine</p>", verified_at: null }]),
      })
      .where("id", "=", alice.accountId)
      .execute();
    const a = await loadViewer(ctx(), alice.accountId);
    const b = await loadViewer(ctx(), bob.accountId);
    const post = (key: string, viewer: typeof a, text: string, extra = {}) =>
      createStatus(ctx(), viewer, { text, ...extra }).then((row) => {
        posts[key] = row;
      });
    await post("public", a, "Hello world #kith <img src=x onerror=alert(2)>", {
      visibility: "public",
    });
    await post("unlisted", a, "Quiet unlisted words #kith", { visibility: "unlisted" });
    await post("private", a, "Secret for followers #kith", { visibility: "private" });
    await post("direct", a, "@bob a direct secret #kith", { visibility: "direct" });
    await post("reply", b, "@alice a public reply", {
      visibility: "public",
      inReplyToId: posts.public!.id,
    });
    await post("hiddenReply", b, "@alice a direct reply in the thread", {
      visibility: "direct",
      inReplyToId: posts.public!.id,
    });
    await addServerRule(ctx(), { text: "Be <b>kind</b>", hint: "Always & everywhere" });
  });

  test("/ and /about: title, OpenGraph, rules, joining, contact and the source", async () => {
    const base = server().url;
    for (const [path, expected] of [
      ["/", "Kith"],
      ["/about", "About - Kith"],
    ] as const) {
      const page = await get(path);
      assert.equal(page.status, 200, path);
      assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
      assert.equal(title(page.body), expected);
      assertOpenGraph(page.body, { type: "website", url: `${base}${path}`, image: true });
      assert.match(page.body, /<strong>Be &lt;b&gt;kind&lt;\/b&gt;<\/strong>/);
      assert.match(page.body, /Always &amp; everywhere/);
      assert.match(page.body, /href="\/auth\/sign_up"/);
      assert.match(page.body, /id="source"/);
      assert.match(page.body, /GNU Affero General Public License/);
      assert.match(page.body, /href="\/@alice">&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/a>/);
      assert.doesNotMatch(page.body, /<script>/);
    }
  });

  test("the privacy policy and the terms of service have pages, linked from the about page", async () => {
    const policy = await get("/privacy-policy");
    assert.equal(policy.status, 200);
    assert.equal(title(policy.body), "Privacy policy - Kith");
    assert.match(policy.body, /not end-to-end encrypted/);
    assert.match(policy.body, /Last updated/);
    assert.match((await get("/about")).body, /href="\/privacy-policy"/);
    assert.doesNotMatch((await get("/about")).body, /href="\/terms-of-service"/);
    assert.equal((await get("/terms-of-service")).status, 404);

    const path = join(ctx().config.dataDir, TERMS_OF_SERVICE_FILE);
    writeFileSync(path, "<p>Be <em>excellent</em>.</p><script>alert(3)</script>");
    try {
      const terms = await get("/terms-of-service");
      assert.equal(terms.status, 200);
      assert.equal(title(terms.body), "Terms of service - Kith");
      assert.match(terms.body, /<p>Be <em>excellent<\/em>.<\/p>/);
      assert.doesNotMatch(terms.body, /<script>/);
      assert.match((await get("/about")).body, /href="\/terms-of-service"/);
    } finally {
      rmSync(path);
    }
  });

  test("the about page says when sign-ups are closed or need approval", async () => {
    for (const [mode, text] of [
      ["closed", /Registrations are closed/],
      ["approval", /Sign-ups need approval/],
    ] as const) {
      const app = createApp({ ...ctx(), config: { ...ctx().config, registrations: mode } });
      const res = await app.request("/about", { headers: { Accept: "text/html" } });
      assert.equal(res.status, 200);
      assert.match(await res.text(), text);
    }
  });

  test("a profile shows public and unlisted posts only, escaped, with its tags", async () => {
    const page = await get("/@alice");
    assert.equal(page.status, 200);
    assert.equal(
      title(page.body),
      `&lt;script&gt;alert(1)&lt;/script&gt; (@alice@${new URL(server().url).host}) - Kith`,
    );
    assertOpenGraph(page.body, { type: "profile", url: `${server().url}/@alice`, image: true });
    assert.equal(alternate(page.body), `${server().url}/users/alice`);
    assert.match(page.body, /Hello world/);
    assert.match(page.body, /Quiet unlisted words/);
    assert.doesNotMatch(page.body, /Secret for followers|direct secret/);
    assert.doesNotMatch(page.body, /<script>|<img src=x|<i>Site/);
    assert.match(page.body, /&lt;img src=x onerror=alert\(2\)&gt;/);
    assert.match(page.body, /<dt>&lt;i&gt;Site&lt;\/i&gt;<\/dt>/);
    // Replies to others stay off the profile, as Mastodon's Posts tab.
    assert.doesNotMatch((await get("/@bob")).body, /a public reply/);
  });

  test("unknown and hidden accounts are 404 pages; suspended ones say so and show nothing", async () => {
    const missing = await get("/@nobody");
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(missing.body, /Not found/);

    const carol = await createUser(ctx(), { username: "carol" });
    const c = await loadViewer(ctx(), carol.accountId);
    await createStatus(ctx(), c, { text: "carol was here", visibility: "public" });
    await suspend(ctx(), "carol");
    const suspended = await get("/@carol");
    assert.equal(suspended.status, 403);
    assert.match(suspended.body, /This account has been suspended/);
    assert.doesNotMatch(suspended.body, /carol was here/);
  });

  test("a status page shows the thread an anonymous visitor may see", async () => {
    const page = await get(`/@alice/${posts.public!.id}`);
    assert.equal(page.status, 200);
    assert.match(title(page.body) ?? "", /^&lt;script&gt;alert\(1\)&lt;\/script&gt; \(@alice@/);
    assertOpenGraph(page.body, {
      type: "article",
      url: `${server().url}/@alice/${posts.public!.id}`,
      image: true,
    });
    assert.equal(alternate(page.body), posts.public!.uri);
    assert.match(page.body, /Hello world/);
    assert.match(page.body, /a public reply/);
    assert.doesNotMatch(page.body, /direct reply in the thread/);

    const reply = await get(`/@bob/${posts.reply!.id}`);
    assert.equal(reply.status, 200);
    assert.match(reply.body, /Hello world/, "the ancestor is shown");
    const unlisted = await get(`/@alice/${posts.unlisted!.id}`);
    assert.equal(unlisted.status, 200);
    assert.match(unlisted.body, /Quiet unlisted words/);
  });

  test("private and direct statuses are the very same 404 as a missing one", async () => {
    const missing = await get("/@alice/100000000000000000");
    assert.equal(missing.status, 404);
    for (const path of [
      `/@alice/${posts.private!.id}`,
      `/@alice/${posts.direct!.id}`,
      `/@bob/${posts.hiddenReply!.id}`,
      `/@bob/${posts.public!.id}`, // someone else's status under bob's name
    ]) {
      const hidden = await get(path);
      assert.equal(hidden.status, 404, path);
      assert.equal(hidden.body, missing.body, path);
    }
  });

  test("signed-in visitors see their nav but only what anyone may see", async () => {
    assert.equal((await get("/@alice")).headers.get("set-cookie"), null, "no cookie for readers");
    const { id } = await createWebSession(ctx(), bob.accountId, { userAgent: null, ip: null });
    const cookie = `kith_session=${id}`;
    const profile = await get("/@alice", "text/html", cookie);
    assert.equal(profile.status, 200);
    assert.match(profile.body, /@bob<\/a>/);
    assert.match(profile.body, /Sign out/);
    // bob is mentioned in the direct status, yet the pages show only what anyone may see.
    assert.doesNotMatch(profile.body, /direct secret/);
    assert.equal((await get(`/@alice/${posts.direct!.id}`, "text/html", cookie)).status, 404);
  });

  test("a tag page lists public statuses only", async () => {
    const page = await get("/tags/kith");
    assert.equal(page.status, 200);
    assert.equal(title(page.body), "#kith - Kith");
    assertOpenGraph(page.body, { type: "website", url: `${server().url}/tags/kith` });
    assert.match(page.body, /Hello world/);
    assert.doesNotMatch(page.body, /Quiet unlisted words|Secret for followers|direct secret/);
    const unused = await get("/tags/neverused");
    assert.equal(unused.status, 200);
    assert.match(unused.body, /No public posts with #neverused yet/);
    assert.equal((await get("/tags/not%20a%20tag")).status, 404);
  });

  test("profiles are paged with ?max_id= links", async () => {
    const dave = await createUser(ctx(), { username: "dave" });
    const d = await loadViewer(ctx(), dave.accountId);
    for (let i = 1; i <= 22; i++) {
      await createStatus(ctx(), d, { text: `dave number ${i}.`, visibility: "public" });
    }
    const first = await get("/@dave");
    assert.equal((first.body.match(/dave number \d+\./g) ?? []).length, 20);
    assert.match(first.body, /dave number 22\./);
    const older = /<a rel="next" href="([^"]+)">/.exec(first.body)?.[1];
    assert.ok(older, "an Older link");
    assert.match(older, /^\/@dave\?max_id=\d+$/);
    const second = await get(older);
    assert.deepEqual(second.body.match(/dave number \d+\./g), ["dave number 2.", "dave number 1."]);
    assert.doesNotMatch(second.body, /rel="next"/);
    assert.match(second.body, /rel="prev" href="\/@dave\?min_id=\d+"/);
  });

  describe("content negotiation", () => {
    test("ActivityPub clients are sent to the ActivityPub URIs, never given HTML", async () => {
      for (const accept of [AP, LD]) {
        const profile = await get("/@alice", accept);
        assert.equal(profile.status, 302);
        assert.equal(profile.headers.get("location"), `${server().url}/users/alice`);
        const status = await get(`/@alice/${posts.public!.id}`, accept);
        assert.equal(status.status, 302);
        assert.equal(
          status.headers.get("location"),
          `${server().url}/users/alice/statuses/${posts.public!.id}`,
        );
        for (const path of [
          "/users/alice",
          `/users/alice/statuses/${posts.public!.id}`,
          "/about",
          "/",
          "/tags/kith",
        ]) {
          const page = await get(path, accept);
          assert.doesNotMatch(page.headers.get("content-type") ?? "", /html/, `${path} ${accept}`);
          assert.doesNotMatch(page.body, /<html/, path);
        }
      }
    });

    test("browsers opening ActivityPub URIs land on the pages", async () => {
      const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
      const user = await get("/users/alice", browser);
      assert.equal(user.status, 302);
      assert.equal(user.headers.get("location"), "/@alice");
      const status = await get(`/users/alice/statuses/${posts.public!.id}`, browser);
      assert.equal(status.headers.get("location"), `/@alice/${posts.public!.id}`);
      const page = await get("/@alice", browser);
      assert.equal(page.status, 200);
      assert.match(page.headers.get("vary") ?? "", /Accept/);
      // A client that prefers HTML gets HTML even when it would take JSON too.
      assert.equal((await get("/@alice", `text/html, ${AP};q=0.5`)).status, 200);
    });
  });
});
