// Local statuses and collections as other servers fetch them, on both databases: the Note and
// its Create for public and unlisted posts; followers-only and direct posts only for a signed
// request from an account the visibility rule lets see them (else the same 404 as for nothing);
// the outbox paged with public posts only; followers and following paged, items hidden with
// hide_collections; featured with the pinned posts; and the one-shot follower list Fedify
// uses for deliveries, every remote follower with inbox and shared inbox, beyond any page size.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { Recipient } from "@fedify/vocab";
import { kithFederation } from "../../src/federation/federation.ts";
import { insertRemoteAccount } from "../helpers/accounts.ts";
import { list } from "../helpers/recording-inbox.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser } from "../helpers/users.ts";
import { insertFollow, setUpWorld, type World } from "./outbox-world.ts";

const AP = "application/activity+json";

async function getJson(url: string) {
  const r = await fetch(url, { headers: { Accept: AP } });
  return { status: r.status, json: JSON.parse(await r.text()) };
}

eachServer("statuses and collections for other servers", (server) => {
  let w: World;
  const posted: Record<string, { id: string; uri: string }> = {};
  before(async () => {
    w = await setUpWorld(server());
    const post = async (status: string, visibility: string) => {
      const r = await api(w.base, "POST", "/api/v1/statuses", {
        token: w.alice.token,
        body: { status, visibility },
      });
      assert.equal(r.status, 200);
      posted[visibility] = r.json;
    };
    await post("For everyone", "public");
    await post("Quiet", "unlisted");
    await post("Friends", "private");
    await post("@dave@r2.test secret", "direct");
  });
  after(() => w.close());

  it("serves public and unlisted Notes to anyone, with their Create", async () => {
    for (const visibility of ["public", "unlisted"]) {
      const { uri } = posted[visibility]!;
      const note = await getJson(uri);
      assert.equal(note.status, 200, visibility);
      assert.equal(note.json.type, "Note");
      assert.equal(note.json.id, uri);
      const create = await getJson(`${uri}/activity`);
      assert.equal(create.json.type, "Create");
      assert.equal(create.json.object.id, uri);
    }
  });

  it("serves followers-only and direct Notes only to signed readers allowed to see them", async () => {
    const cases = [
      ["private", "bob", 200],
      ["private", "dave", 404],
      ["private", "grace", 404],
      ["direct", "dave", 200],
      ["direct", "bob", 404],
    ] as const;
    for (const [visibility, reader, expected] of cases) {
      const { uri } = posted[visibility]!;
      const r = await w.all.find((s) => s.users.has(reader))!.signedGet(uri, reader);
      const body = JSON.parse(await r.text());
      assert.equal(r.status, expected, `${visibility} for ${reader}`);
      if (expected === 200) assert.equal(body.id, uri);
      else assert.deepEqual(body, { error: "Record not found" });
    }
    for (const visibility of ["private", "direct"]) {
      const { uri } = posted[visibility]!;
      assert.equal((await getJson(uri)).status, 404, `${visibility} unsigned`);
      assert.equal((await getJson(`${uri}/activity`)).status, 404, `${visibility} activity`);
    }
  });

  it("pages the outbox with public and unlisted posts and boosts, newest first", async () => {
    for (let i = 0; i < 20; i++)
      await api(w.base, "POST", "/api/v1/statuses", {
        token: w.alice.token,
        body: { status: `Filler ${i}` },
      });
    const boost = await api(w.base, "POST", `/api/v1/statuses/${posted.public!.id}/reblog`, {
      token: w.alice.token,
    });
    const outbox = await getJson(`${w.aliceUri}/outbox`);
    assert.equal(outbox.json.type, "OrderedCollection");
    const first = await getJson(outbox.json.first);
    assert.equal(first.json.type, "OrderedCollectionPage");
    const page1 = list(first.json.orderedItems) as {
      type: string;
      id: string;
      object: { id: string };
    }[];
    assert.equal(page1.length, 20);
    assert.deepEqual(page1[0]!, { ...page1[0]!, type: "Announce", id: boost.json.uri });
    const second = await getJson(first.json.next);
    const all = [...page1, ...(list(second.json.orderedItems) as typeof page1)];
    const ids = all.filter((a) => a.type === "Create").map((a) => a.object.id);
    assert.ok(ids.includes(posted.public!.uri) && ids.includes(posted.unlisted!.uri));
    assert.ok(!ids.includes(posted.private!.uri) && !ids.includes(posted.direct!.uri));
    assert.equal(all.length, 23);
  });

  it("pages followers and following, and hides their items when asked", async () => {
    const followers = await getJson(`${w.aliceUri}/followers`);
    assert.equal(followers.json.totalItems, 4);
    const page = await getJson(followers.json.first);
    const expected = [
      ...["bob", "carol"].map((u) => w.r1.user(u).uri),
      w.r3.user("frank").uri,
      `${w.base}/users/lee`,
    ];
    assert.deepEqual((list(page.json.orderedItems) as string[]).sort(), expected.sort());
    const following = await getJson(`${w.base}/users/lee/following`);
    const followingPage = await getJson(following.json.first);
    assert.deepEqual(list(followingPage.json.orderedItems), [w.aliceUri]);

    await w.ctx.db.kysely
      .updateTable("accounts")
      .set({ hide_collections: 1 })
      .where("id", "=", w.alice.accountId)
      .execute();
    const hidden = await getJson(`${w.aliceUri}/followers`);
    assert.equal(hidden.json.totalItems, 4);
    assert.deepEqual(list((await getJson(hidden.json.first)).json.orderedItems), []);
  });

  it("lists pinned posts as Notes in featured", async () => {
    await api(w.base, "POST", `/api/v1/statuses/${posted.unlisted!.id}/pin`, {
      token: w.alice.token,
    });
    const featured = await getJson(`${w.aliceUri}/collections/featured`);
    const items = list(featured.json.orderedItems) as { type: string; id: string }[];
    assert.deepEqual(
      items.map((i) => [i.type, i.id]),
      [["Note", posted.unlisted!.uri]],
    );
  });

  it("gives Fedify every remote follower with inboxes in one go, beyond a page", async () => {
    const { ctx } = w;
    const mia = await createUser(ctx, { username: "mia" });
    for (let i = 0; i < 45; i++) {
      const uri = `https://f${i}.test/users/u${i}`;
      const id = await insertRemoteAccount(ctx.db, {
        username: `u${i}`,
        domain: `f${i}.test`,
        uri,
        inbox: `${uri}/inbox`,
        sharedInbox: i % 2 ? `https://f${i}.test/inbox` : null,
      });
      await insertFollow(ctx, id, mia.accountId);
    }
    await insertFollow(ctx, w.lee.accountId, mia.accountId); // local: not a delivery target
    // What sendActivity(…, "followers", …) expands; not in Context's public type.
    const fctx = kithFederation(ctx).createContext(new URL(ctx.config.origin), ctx) as unknown as {
      getFollowers(identifier: string): AsyncIterable<Recipient>;
    };
    const recipients: Recipient[] = [];
    for await (const r of fctx.getFollowers("mia")) recipients.push(r);
    assert.equal(recipients.length, 45);
    const odd = recipients.find((r) => r.id?.href === "https://f1.test/users/u1");
    assert.equal(odd?.inboxId?.href, "https://f1.test/users/u1/inbox");
    assert.equal(odd?.endpoints?.sharedInbox?.href, "https://f1.test/inbox");
  });
});
