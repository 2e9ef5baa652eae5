// Discovery over HTTP on both databases: WebFinger, host-meta and NodeInfo 2.0/2.1 with counts
// taken from the database, compared in shape with Mastodon's own answers in ../shared.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, it } from "node:test";
import { newId } from "../../src/db/ids.ts";
import { createLocalAccount, deleteLocal, suspend } from "../../src/domain/accounts/admin.ts";
import type { Context } from "../../src/domain/context.ts";
import { nodeInfo } from "../../src/federation/nodeinfo.ts";
import { insertRemoteAccount } from "../helpers/accounts.ts";
import { eachServer } from "../helpers/server.ts";
import { createUser } from "../helpers/users.ts";

const FIXTURES = join(import.meta.dirname, "..", "..", "..", "shared", "fixtures", "activitypub");
const NO_FIXTURES = existsSync(FIXTURES) ? false : "../shared/fixtures is absent";
const DAY = 86_400_000;

async function get(url: string, accept?: string) {
  const response = await fetch(url, { headers: accept ? { Accept: accept } : {} });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: responses are checked field by field
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, text, json };
}

async function insertStatus(
  ctx: Context,
  accountId: string,
  options: { local?: boolean; reblogOf?: string } = {},
) {
  const id = newId();
  const now = new Date().toISOString();
  await ctx.db.kysely
    .insertInto("statuses")
    .values({
      id,
      uri: `https://kith.test/statuses/${id}`,
      url: null,
      account_id: accountId,
      local: options.local === false ? 0 : 1,
      in_reply_to_id: null,
      in_reply_to_account_id: null,
      in_reply_to_uri: null,
      reblog_of_id: options.reblogOf ?? null,
      thread_id: id,
      visibility: "public",
      language: null,
      application_id: null,
      created_at: now,
      edited_at: null,
      updated_at: now,
    })
    .execute();
  return id;
}

async function localAccount(ctx: Context, username: string, extra: { confirmed?: boolean } = {}) {
  return createLocalAccount(ctx, {
    username,
    email: `${username}@example.test`,
    password: "correct horse battery staple",
    ...extra,
  });
}

eachServer("federation discovery", (server) => {
  let host: string;
  before(async () => {
    const { ctx } = server().kith;
    host = new URL(server().url).host;
    // alice authorised an app just now (createUser issues a token): active this month.
    const alice = await createUser(ctx, { username: "alice" });
    // carol signed in 100 days ago: active this half year only.
    const carol = await localAccount(ctx, "carol");
    await ctx.db.kysely
      .updateTable("users")
      .set({ last_sign_in_at: new Date(Date.now() - 100 * DAY).toISOString() })
      .where("id", "=", carol.userId)
      .execute();
    await localAccount(ctx, "dormant"); // never active
    await localAccount(ctx, "unconfirmed", { confirmed: false }); // not a user to others yet
    await localAccount(ctx, "gone");
    await deleteLocal(ctx, "gone");
    await localAccount(ctx, "held");
    await suspend(ctx, "held");
    const first = await insertStatus(ctx, alice.accountId);
    await insertStatus(ctx, carol.accountId);
    await insertStatus(ctx, carol.accountId, { reblogOf: first }); // a boost is no post
    const remote = {
      id: await insertRemoteAccount(ctx.db, { username: "rem", domain: "remote.test" }),
    };
    await insertStatus(ctx, remote.id, { local: false }); // not a local post
  });

  it("answers WebFinger for a local handle with the canonical subject and Mastodon's links", async () => {
    const base = server().url;
    for (const resource of [
      `acct:alice@${host}`,
      `acct:ALICE@${host}`,
      `${base}/@alice`,
      `${base}/users/alice`,
    ]) {
      const r = await get(`${base}/.well-known/webfinger?resource=${encodeURIComponent(resource)}`);
      assert.equal(r.status, 200, resource);
      assert.match(r.headers.get("content-type") ?? "", /^application\/jrd\+json/);
      assert.equal(r.headers.get("access-control-allow-origin"), "*");
      assert.equal(r.json.subject, `acct:alice@${host}`, resource);
      assert.deepEqual(r.json.aliases, [`${base}/@alice`, `${base}/users/alice`], resource);
      const rel = (name: string) => r.json.links.find((l: { rel: string }) => l.rel === name);
      assert.deepEqual(rel("self"), {
        rel: "self",
        type: "application/activity+json",
        href: `${base}/users/alice`,
      });
      assert.equal(rel("http://webfinger.net/rel/profile-page").href, `${base}/@alice`);
      assert.equal(
        rel("http://ostatus.org/schema/1.0/subscribe").template,
        `${base}/authorize_interaction?uri={uri}`,
      );
    }
  });

  it("answers 404 for unknown, unconfirmed and foreign handles, 410 for deleted, 400 without a resource", async () => {
    const base = server().url;
    const wf = (resource: string) =>
      get(`${base}/.well-known/webfinger?resource=${encodeURIComponent(resource)}`);
    assert.equal((await wf(`acct:nobody@${host}`)).status, 404);
    assert.equal((await wf(`acct:unconfirmed@${host}`)).status, 404);
    assert.equal((await wf("acct:alice@remote.test")).status, 404);
    assert.equal((await wf("https://remote.test/@alice")).status, 404);
    assert.equal((await wf(`${base}/@nobody`)).status, 404);
    assert.equal((await wf(`acct:gone@${host}`)).status, 410);
    // Suspended is not gone yet (Mastodon answers until the data are purged).
    assert.equal((await wf(`acct:held@${host}`)).status, 200);
    assert.equal((await get(`${base}/.well-known/webfinger`)).status, 400);
  });

  it("serves host-meta as XRD and JSON, pointing at WebFinger", async () => {
    const base = server().url;
    const xml = await get(`${base}/.well-known/host-meta`);
    assert.equal(xml.status, 200);
    assert.match(xml.headers.get("content-type") ?? "", /^application\/xrd\+xml/);
    assert.ok(
      xml.text.includes(
        `<Link rel="lrdd" template="${base}/.well-known/webfinger?resource={uri}"/>`,
      ),
    );
    const json = await get(`${base}/.well-known/host-meta.json`);
    assert.deepEqual(json.json, {
      links: [{ rel: "lrdd", template: `${base}/.well-known/webfinger?resource={uri}` }],
    });
  });

  it("lists NodeInfo 2.0 and 2.1, and both count users and posts truthfully", async () => {
    const base = server().url;
    const links = await get(`${base}/.well-known/nodeinfo`);
    assert.equal(links.status, 200);
    assert.equal(links.headers.get("access-control-allow-origin"), "*");
    assert.deepEqual(links.json.links, [
      { rel: "http://nodeinfo.diaspora.software/ns/schema/2.0", href: `${base}/nodeinfo/2.0` },
      { rel: "http://nodeinfo.diaspora.software/ns/schema/2.1", href: `${base}/nodeinfo/2.1` },
    ]);
    for (const version of ["2.0", "2.1"]) {
      const r = await get(`${base}/nodeinfo/${version}`);
      assert.equal(r.status, 200, version);
      assert.match(r.headers.get("content-type") ?? "", new RegExp(`schema/${version}#`));
      assert.equal(r.json.version, version);
      assert.equal(r.json.software.name, "kith");
      assert.equal(r.json.software.version, "0.1.0");
      assert.deepEqual(r.json.protocols, ["activitypub"]);
      assert.deepEqual(r.json.services, { inbound: [], outbound: [] });
      assert.equal(r.json.openRegistrations, true);
      // alice, carol, dormant; not the unconfirmed, suspended or deleted ones.
      assert.deepEqual(r.json.usage.users, { total: 3, activeMonth: 1, activeHalfyear: 2 });
      assert.equal(r.json.usage.localPosts, 2);
      assert.equal(r.json.metadata.nodeName, "Kith");
      assert.equal(r.json.metadata.upstream.name, "mastodon");
    }
    const v20 = (await get(`${base}/nodeinfo/2.0`)).json;
    assert.deepEqual(Object.keys(v20.software), ["name", "version"], "2.0 has no repository");
    assert.equal(v20.$schema, undefined);
  });

  it("reports closed registrations as closed and approval as open (as Mastodon)", async () => {
    const { ctx } = server().kith;
    const closed = await nodeInfo({ ...ctx, config: { ...ctx.config, registrations: "closed" } });
    assert.equal(closed.openRegistrations, false);
    const approval = await nodeInfo({
      ...ctx,
      config: { ...ctx.config, registrations: "approval" },
    });
    assert.equal(approval.openRegistrations, true);
  });

  it("has the shape of Mastodon's NodeInfo 2.0 and WebFinger answers", {
    skip: NO_FIXTURES,
  }, async () => {
    const base = server().url;
    const theirs = JSON.parse(
      readFileSync(join(FIXTURES, "mastodon", "nodeinfo-2.0.json"), "utf8"),
    );
    const ours = (await get(`${base}/nodeinfo/2.0`)).json;
    const shape = (v: unknown): unknown =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(
            Object.entries(v)
              .filter(([k]) => k !== "metadata")
              .map(([k, x]) => [k, shape(x)])
              .sort(),
          )
        : typeof v;
    const { localComments: _, ...usage } = ours.usage;
    assert.deepEqual(shape({ ...ours, usage }), shape(theirs));
    const raw = readFileSync(join(FIXTURES, "mastodon", "http-webfinger-response.txt"), "utf8");
    const mastodon = JSON.parse(raw.slice(raw.indexOf("{")));
    const wf = (await get(`${base}/.well-known/webfinger?resource=acct:alice@${host}`)).json;
    // Same order of aliases: profile page, then actor.
    assert.deepEqual(
      mastodon.aliases.map((a: string) => new URL(a).pathname.replace("foo", "alice")),
      wf.aliases.map((a: string) => new URL(a).pathname),
    );
    for (const rel of [
      "self",
      "http://webfinger.net/rel/profile-page",
      "http://ostatus.org/schema/1.0/subscribe",
    ]) {
      assert.ok(
        mastodon.links.some((l: { rel: string }) => l.rel === rel),
        rel,
      );
      assert.ok(
        wf.links.some((l: { rel: string }) => l.rel === rel),
        rel,
      );
    }
  });
});
