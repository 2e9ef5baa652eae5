// A remote actor that says its own server suspended it (toot:suspended), on both databases: it
// is hidden here as suspended by its origin, shown again when an Update of it no longer says
// so, and never by that word when a moderator here suspended it (Mastodon's
// ProcessAccountService and AccountPolicy#unsuspend?).
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { AS_CONTEXT, type FakeActor, FakeFediverse } from "../helpers/fake-fediverse.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

const STAFF_SCOPES = ["read", "write", "admin:read", "admin:write"];
const CONTEXT = [...AS_CONTEXT, { suspended: "toot:suspended" }];

eachServer("inbound self-suspension", (server) => {
  let fake: FakeFediverse;
  let sam: FakeActor;
  let admin: TestUser;
  let updates = 0;
  const base = () => server().url;
  const row = () =>
    server()
      .kith.ctx.db.kysely.selectFrom("accounts")
      .select(["id", "suspended_at", "suspension_origin"])
      .where("uri", "=", sam.id)
      .executeTakeFirst();
  /** Serves sam's document with or without `suspended`, and sends an Update of it. */
  const sayUpdated = async (suspended: boolean) => {
    fake.serve(sam.id, {
      ...sam.document,
      "@context": CONTEXT,
      ...(suspended ? { suspended: true } : {}),
    });
    updates += 1;
    const r = await fake.post(sam, `${base()}/inbox`, {
      "@context": CONTEXT,
      id: `${sam.id}#updates/${updates}`,
      type: "Update",
      actor: sam.id,
      object: sam.id,
    });
    assert.equal(r.status, 202);
  };

  before(async () => {
    fake = await FakeFediverse.start();
    sam = await fake.actor(`${fake.origin}/users/sam`);
    const { ctx } = server().kith;
    await createUser(ctx, { username: "alice" });
    admin = await createUser(ctx, { username: "boss", role: "admin", scopes: STAFF_SCOPES });
    await fake.post(sam, `${base()}/users/alice/inbox`, {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${sam.id}#follows/1`,
      type: "Follow",
      actor: sam.id,
      object: `${base()}/users/alice`,
    });
    await fake.waitFor(() => fake.received.find((d) => d.json?.type === "Accept"));
  });
  after(() => fake.stop());

  it("hides an actor whose server suspended it, and shows it again when lifted there", async () => {
    assert.equal((await row())?.suspended_at, null);
    await sayUpdated(true);
    const suspended = await fake.waitFor(async () => {
      const r = await row();
      return r?.suspended_at ? r : null;
    });
    assert.equal(suspended.suspension_origin, "remote");
    const shown = await api(base(), "GET", `/api/v1/accounts/${suspended.id}`, {
      token: admin.token,
    });
    assert.equal(shown.json.suspended, true);
    const lift = await api(base(), "POST", `/api/v1/admin/accounts/${suspended.id}/unsuspend`, {
      token: admin.token,
    });
    assert.equal(lift.status, 403, "only its own server can lift it");

    await sayUpdated(false);
    await fake.waitFor(async () => (await row())?.suspended_at === null);
    assert.equal((await row())?.suspension_origin, null);
  });

  it("keeps a suspension made here whatever the actor says", async () => {
    const { id } = (await row())!;
    const r = await api(base(), "POST", `/api/v1/admin/accounts/${id}/action`, {
      token: admin.token,
      body: { type: "suspend" },
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    await sayUpdated(false);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = await row();
    assert.ok(after?.suspended_at);
    assert.equal(after?.suspension_origin, "local");
  });
});
