// What a block hides, over HTTP on both databases: once Alice blocks Bob, neither sees the
// other's statuses (or reblogs of them) in any timeline, thread, profile or by ID, nor their
// notifications, whichever of them blocked. Each check is first shown to see the other's
// content before the block, so none of them can pass by accident.
import assert from "node:assert/strict";
import { it } from "node:test";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { followOk } from "./accounts-fixtures.ts";
import { postOk } from "./statuses-fixtures.ts";

interface Seen {
  id: string;
  account: { id: string };
  reblog: { id: string; account: { id: string } } | null;
}

eachServer("what a block hides", (server) => {
  const ctx = () => server().kith.ctx;

  /** Everything `viewer` can find by or about `other`, across the read surfaces. */
  async function traces(viewer: TestUser, other: TestUser, threadId: string, tag: string) {
    const { url } = server();
    const get = async (path: string) => {
      const res = await api(url, "GET", path, { token: viewer.token });
      assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.json)}`);
      return res.json;
    };
    const touches = (s: Seen) =>
      s.account.id === other.accountId || s.reblog?.account.id === other.accountId;
    const statuses = (list: Seen[]) => list.filter(touches).map((s) => s.id);
    const context = await get(`/api/v1/statuses/${threadId}/context`);
    const notifications = await get("/api/v1/notifications");
    const grouped = await get("/api/v2/notifications");
    return {
      home: statuses(await get("/api/v1/timelines/home")),
      public: statuses(await get("/api/v1/timelines/public")),
      local: statuses(await get("/api/v1/timelines/public?local=true")),
      tag: statuses(await get(`/api/v1/timelines/tag/${tag}`)),
      profile: (await get(`/api/v1/accounts/${other.accountId}/statuses`)).map((s: Seen) => s.id),
      thread: statuses([...context.ancestors, ...context.descendants]),
      notifications: notifications
        .filter((n: { account: { id: string } }) => n.account.id === other.accountId)
        .map((n: { type: string }) => n.type),
      grouped: grouped.accounts
        .filter((a: { id: string }) => a.id === other.accountId)
        .map((a: { id: string }) => a.id),
    };
  }

  for (const blocker of ["alice", "bob"] as const) {
    it(`hides both from each other when ${blocker} blocks`, async () => {
      const { url } = server();
      const [alice, bob, carol] = [
        await createUser(ctx()),
        await createUser(ctx()),
        await createUser(ctx()),
      ];
      const people = { alice, bob };
      await followOk(url, alice, bob);
      await followOk(url, bob, alice);
      await followOk(url, alice, carol);
      await followOk(url, bob, carol);
      const tag = `blocktest${Date.now()}`;
      const root = await postOk(url, carol, { status: "Carol's thread" });
      const posted: Record<string, string[]> = { alice: [], bob: [] };
      for (const [name, me, them] of [
        ["alice", alice, bob],
        ["bob", bob, alice],
      ] as const) {
        const own = await postOk(url, me, { status: `#${tag} from ${name}` });
        const hidden = await postOk(url, me, { status: "for followers", visibility: "private" });
        const reply = await postOk(url, me, { status: "a reply", in_reply_to_id: root.id });
        const mention = await postOk(url, me, { status: `@${them.username} hello` });
        await api(url, "POST", `/api/v1/statuses/${root.id}/reblog`, { token: me.token });
        posted[name]!.push(own.id, hidden.id, reply.id, mention.id);
      }
      // Favourites of each other's posts, and a reblog of the other's post.
      await api(url, "POST", `/api/v1/statuses/${posted.bob![0]}/favourite`, {
        token: alice.token,
      });
      await api(url, "POST", `/api/v1/statuses/${posted.alice![0]}/favourite`, {
        token: bob.token,
      });
      await api(url, "POST", `/api/v1/statuses/${posted.bob![0]}/reblog`, { token: carol.token });

      for (const [me, them] of [
        [alice, bob],
        [bob, alice],
      ] as const) {
        const seen = await traces(me, them, root.id, tag);
        for (const [surface, found] of Object.entries(seen))
          assert.ok(found.length > 0, `before the block, ${surface} shows the other`);
      }

      const [me, them] = blocker === "alice" ? [alice, bob] : [bob, alice];
      const res = await api(url, "POST", `/api/v1/accounts/${them.accountId}/block`, {
        token: me.token,
      });
      assert.equal(res.status, 200);
      // After the block, the blocked one still tries to reach the blocker.
      const late = await postOk(url, them, { status: `@${me.username} are you there?` });
      await api(url, "POST", `/api/v1/statuses/${posted[blocker]![0]}/favourite`, {
        token: them.token,
      });

      for (const [viewer, other] of [
        [alice, bob],
        [bob, alice],
      ] as const) {
        assert.deepEqual(await traces(viewer, other, root.id, tag), {
          home: [],
          public: [],
          local: [],
          tag: [],
          profile: [],
          thread: [],
          notifications: [],
          grouped: [],
        });
        const otherName = other === alice ? "alice" : "bob";
        for (const id of [...posted[otherName]!, ...(other === them ? [late.id] : [])]) {
          const byId = await api(url, "GET", `/api/v1/statuses/${id}`, { token: viewer.token });
          assert.equal(byId.status, 404, `status ${id} by id`);
        }
      }
      // Carol, who blocked nobody, still sees both.
      const carolSees = await api(url, "GET", `/api/v1/statuses/${root.id}/context`, {
        token: carol.token,
      });
      const authors = new Set(
        carolSees.json.descendants.map((s: Seen) => s.account.id) as string[],
      );
      assert.ok(authors.has(people.alice.accountId) && authors.has(people.bob.accountId));
    });
  }
});
