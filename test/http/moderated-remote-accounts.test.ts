// Remote accounts that moderation cut off, on every surface that lists accounts or their posts,
// on both databases: (a) an account suspended by itself (admin account action), (b) an account
// on a server suspended after it was known (admin domain block), (c) an account on a silenced
// server. A fourth, untouched remote account is the control: it shows wherever the others
// must not, so each check can fail.
//
// (a) and (b) never show: account search (prefix, handle, resolve by URL), status search,
// the directory, their statuses (by ID, by account, in a thread, on the public timeline), the
// favourited_by/reblogged_by lists, follower lists, mentions and notifications (v1 and grouped
// v2), to a stranger or to someone who followed them. (c) is left out of the directory for everyone, and out of account
// search for those who do not follow it, as an individually silenced account is.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { newId } from "../../src/db/ids.ts";
import { findStatusByUri, receiveRemoteStatus } from "../../src/domain/statuses/receive.ts";
import { receiveFavourite, receiveReblog } from "../../src/domain/statuses/remote-interactions.ts";
import { insertRemoteAccount } from "../helpers/accounts.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

const STAFF_SCOPES = ["read", "write", "admin:read", "admin:write"];

interface Remote {
  name: string;
  domain: string;
  accountId: string;
  uri: string;
  /** its public root post, which alice replied to */
  rootId: string;
  rootUri: string;
  /** its reply to alice's reply, mentioning her */
  replyId: string;
}

eachServer("moderated remote accounts on every surface", (server) => {
  const ctx = () => server().kith.ctx;
  const call = async (user: TestUser | null, method: string, path: string, body?: unknown) => {
    const res = await api(server().url, method, path, {
      ...(user ? { token: user.token } : {}),
      ...(body === undefined ? {} : { body }),
    });
    return res;
  };
  const get = async (user: TestUser | null, path: string) => {
    const res = await call(user, "GET", path);
    assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.json)}`);
    return res.json;
  };
  const ids = (list: { id: string }[]) => list.map((x) => x.id);

  let alice: TestUser; // follows nobody; the remote accounts interact with her posts
  let fern: TestUser; // followed each remote account before moderation
  let mod: TestUser;
  let aliceOwn: string; // favourited and reblogged by each remote account
  const aliceReplies = new Map<string, string>(); // remote name → alice's reply to its root
  const remotes = new Map<string, Remote>();
  const control = () => remotes.get("okay")!;

  /** A remote account, discoverable, with a root post, a reply in alice's thread, a
   * favourite and a reblog of her post: all that it notified her of. */
  async function seed(name: string, domain: string): Promise<Remote> {
    const uri = `https://${domain}/users/${name}`;
    const accountId = await insertRemoteAccount(ctx().db, { username: name, domain, uri });
    await ctx()
      .db.kysely.updateTable("accounts")
      .set({ discoverable: 1, indexable: 1, display_name: `Remote ${name}` })
      .where("id", "=", accountId)
      .execute();
    const note = (n: string, extra: Partial<Parameters<typeof receiveRemoteStatus>[1]> = {}) =>
      receiveRemoteStatus(ctx(), {
        uri: `${uri}/statuses/${n}`,
        url: null,
        accountId,
        inReplyTo: null,
        inReplyToUri: null,
        content: `<p>${n} zebracorn from ${name}</p>`,
        spoilerText: "",
        sensitive: false,
        visibility: "public",
        language: "en",
        createdAt: new Date().toISOString(),
        mentionedAccountIds: [],
        notifyAccountIds: [],
        tags: [],
        ...extra,
      });
    const root = await note("root");
    const aliceReply = await call(alice, "POST", "/api/v1/statuses", {
      status: `@${name}@${domain} a zebracorn answer`,
      in_reply_to_id: root.status.id,
    });
    assert.equal(aliceReply.status, 200, JSON.stringify(aliceReply.json));
    aliceReplies.set(name, aliceReply.json.id);
    const parent = (await findStatusByUri(ctx(), aliceReply.json.uri))!;
    const reply = await note("reply", {
      inReplyTo: parent,
      inReplyToUri: parent.uri,
      mentionedAccountIds: [alice.accountId],
      notifyAccountIds: [alice.accountId],
    });
    const own = (await findStatusByUri(ctx(), `${server().url}/users/alice/statuses/${aliceOwn}`))!;
    assert.ok(own, "alice's own post by its URI");
    await receiveFavourite(ctx(), accountId, own, `${uri}/likes/1`);
    await receiveReblog(ctx(), {
      uri: `${uri}/statuses/boost`,
      accountId,
      original: own,
      visibility: "public",
      createdAt: new Date().toISOString(),
    });
    // fern follows it, and it follows alice.
    for (const [follower, followed] of [
      [fern.accountId, accountId],
      [accountId, alice.accountId],
    ] as const)
      await ctx()
        .db.kysely.insertInto("follows")
        .values({
          id: newId(),
          account_id: follower,
          target_account_id: followed,
          languages: null,
          uri: null,
          created_at: new Date().toISOString(),
        })
        .execute();
    return {
      name,
      domain,
      accountId,
      uri,
      rootId: root.status.id,
      rootUri: root.status.uri,
      replyId: reply.status.id,
    };
  }

  before(async () => {
    alice = await createUser(ctx(), { username: "alice" });
    fern = await createUser(ctx(), { username: "fern" });
    mod = await createUser(ctx(), { username: "moddy", role: "admin", scopes: STAFF_SCOPES });
    const own = await call(alice, "POST", "/api/v1/statuses", { status: "alice's zebracorn" });
    assert.equal(own.status, 200);
    aliceOwn = own.json.id;
    for (const [name, domain] of [
      ["okay", "fine.example"],
      ["solo", "individual.example"],
      ["doomed", "gone.example"],
      ["quiet", "hushed.example"],
    ] as const)
      remotes.set(name, await seed(name, domain));

    const action = await call(
      mod,
      "POST",
      `/api/v1/admin/accounts/${remotes.get("solo")!.accountId}/action`,
      { type: "suspend" },
    );
    assert.equal(action.status, 200, JSON.stringify(action.json));
    for (const [domain, severity] of [
      ["gone.example", "suspend"],
      ["hushed.example", "silence"],
    ]) {
      const block = await call(mod, "POST", "/api/v1/admin/domain_blocks", { domain, severity });
      assert.equal(block.status, 200, JSON.stringify(block.json));
    }
  });

  /** Every surface's account or status IDs, as `viewer` sees them. */
  async function surfaces(viewer: TestUser, r: Remote) {
    const search = async (q: string, type: string, resolve = false) =>
      get(viewer, `/api/v2/search?q=${encodeURIComponent(q)}&type=${type}&resolve=${resolve}`);
    const context = await get(viewer, `/api/v1/statuses/${aliceReplies.get(r.name)}/context`);
    const v2 = await get(viewer, "/api/v2/notifications?limit=80");
    const byAccount = await call(viewer, "GET", `/api/v1/accounts/${r.accountId}/statuses`);
    const aliceReply = await get(viewer, `/api/v1/statuses/${aliceReplies.get(r.name)}`);
    return {
      mentionedIn: ids(aliceReply.mentions),
      aliceFollowers: ids(await get(viewer, `/api/v1/accounts/${alice.accountId}/followers`)),
      searchByName: ids((await search(r.name, "accounts")).accounts),
      searchByDisplayName: ids((await search(`Remote ${r.name}`, "accounts")).accounts),
      searchByHandle: ids((await search(`@${r.name}@${r.domain}`, "accounts")).accounts),
      searchV1: ids(await get(viewer, `/api/v1/accounts/search?q=${r.name}`)),
      resolveAccountUrl: ids((await search(r.uri, "accounts", true)).accounts),
      resolveStatusUrl: ids((await search(r.rootUri, "statuses", true)).statuses),
      statusSearch: ids((await search(`zebracorn from ${r.name}`, "statuses")).statuses),
      directory: ids(await get(viewer, "/api/v1/directory?local=false&limit=80")),
      statusById: (await call(viewer, "GET", `/api/v1/statuses/${r.rootId}`)).status,
      accountStatuses: byAccount.status === 200 ? ids(byAccount.json) : [],
      ancestors: ids(context.ancestors),
      descendants: ids(context.descendants),
      publicTimeline: ids(await get(viewer, "/api/v1/timelines/public?remote=true&limit=40")),
      favouritedBy: ids(await get(viewer, `/api/v1/statuses/${aliceOwn}/favourited_by?limit=80`)),
      rebloggedBy: ids(await get(viewer, `/api/v1/statuses/${aliceOwn}/reblogged_by?limit=80`)),
      notifications: (await get(viewer, "/api/v1/notifications?limit=80")).map(
        (n: { account: { id: string } }) => n.account.id,
      ),
      groupedNotifications: ids(v2.accounts),
    };
  }

  it("the control shows on every surface", async () => {
    const r = control();
    const seen = await surfaces(alice, r);
    for (const key of [
      "searchByName",
      "searchByDisplayName",
      "searchByHandle",
      "searchV1",
      "resolveAccountUrl",
      "directory",
      "mentionedIn",
      "aliceFollowers",
      "favouritedBy",
      "rebloggedBy",
      "notifications",
      "groupedNotifications",
    ] as const)
      assert.ok(seen[key].includes(r.accountId), `${key}: ${JSON.stringify(seen[key])}`);
    for (const key of [
      "resolveStatusUrl",
      "statusSearch",
      "accountStatuses",
      "ancestors",
      "publicTimeline",
    ] as const)
      assert.ok(seen[key].includes(r.rootId), `${key}: ${JSON.stringify(seen[key])}`);
    assert.ok(seen.descendants.includes(r.replyId));
    assert.equal(seen.statusById, 200);
    const fernSees = await surfaces(fern, r);
    assert.ok(fernSees.searchByName.includes(r.accountId));
  });

  for (const [label, name] of [
    ["(a) an individually suspended account", "solo"],
    ["(b) an account of a server suspended after it was known", "doomed"],
  ] as const) {
    describe(label, () => {
      for (const viewerName of ["alice", "fern"] as const) {
        it(`never shows to ${viewerName === "alice" ? "a stranger" : "a former follower"}`, async () => {
          const r = remotes.get(name)!;
          const viewer = viewerName === "alice" ? alice : fern;
          const seen = await surfaces(viewer, r);
          const statusIds = new Set([r.rootId, r.replyId]);
          for (const [key, value] of Object.entries(seen)) {
            if (typeof value === "number") {
              assert.equal(value, 404, key);
              continue;
            }
            const leaked = value.filter((id: string) => id === r.accountId || statusIds.has(id));
            assert.deepEqual(leaked, [], `${key} leaks it`);
          }
          // Nor does its reblog show: the public timeline carries none of its rows.
          const timeline = await get(viewer, "/api/v1/timelines/public?limit=40");
          assert.ok(
            !timeline.some((s: { account: { id: string } }) => s.account.id === r.accountId),
          );
        });
      }
      it("is anonymous-proof too: directory, account lookup, status and thread", async () => {
        const r = remotes.get(name)!;
        const directory = await get(null, "/api/v1/directory?local=false&limit=80");
        assert.ok(!ids(directory).includes(r.accountId));
        assert.equal((await call(null, "GET", `/api/v1/statuses/${r.rootId}`)).status, 404);
        const context = await get(null, `/api/v1/statuses/${aliceReplies.get(name)}/context`);
        assert.deepEqual([...ids(context.ancestors), ...ids(context.descendants)], []);
        const byAccount = await call(null, "GET", `/api/v1/accounts/${r.accountId}/statuses`);
        assert.ok(
          byAccount.status === 404 || (byAccount.status === 200 && byAccount.json.length === 0),
        );
      });
    });
  }

  describe("(c) an account of a silenced server", () => {
    it("is left out of the directory for everyone, follower or not", async () => {
      const r = remotes.get("quiet")!;
      for (const viewer of [alice, fern, null]) {
        const directory = await get(viewer, "/api/v1/directory?local=false&limit=80");
        assert.ok(!ids(directory).includes(r.accountId), viewer?.username ?? "anonymous");
      }
      assert.ok(
        ids(await get(alice, "/api/v1/directory?local=false")).includes(control().accountId),
      );
    });

    it("is found in account search by its followers only (or by its exact handle)", async () => {
      const r = remotes.get("quiet")!;
      const stranger = await surfaces(alice, r);
      assert.deepEqual(stranger.searchByName, [], "a prefix search leaves it out");
      assert.deepEqual(stranger.searchByDisplayName, []);
      assert.deepEqual(stranger.searchV1, []);
      assert.deepEqual(stranger.searchByHandle, [r.accountId], "its exact handle finds it");
      const follower = await surfaces(fern, r);
      assert.deepEqual(follower.searchByName, [r.accountId]);
      assert.deepEqual(follower.searchV1, [r.accountId]);
    });
  });
});
