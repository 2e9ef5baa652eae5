// Fixture cases for misskey/, pleroma/ and gotosocial/ (see fixture-cases-mastodon.ts).
import assert from "node:assert/strict";
import { fetchKey } from "@fedify/fedify";
import { type Create, CryptographicKey } from "@fedify/vocab";
import { resolveActor } from "../../src/federation/remote/actors.ts";
import { lookAtCollection, syncFeatured } from "../../src/federation/remote/collections.ts";
import { resolveStatus } from "../../src/federation/remote/statuses.ts";
import { wrapInCreate } from "../helpers/fixture-harness.ts";
import {
  actorCase,
  type FixtureCase,
  serveNote,
  wrapCase,
  wrapNote,
} from "../helpers/fixture-scenes.ts";

const TESTING_LOCAL: [string, string] = ["https://testing.pleroma.lol", "{kith}"];
const GTS = "http://localhost:8080";

export const FEDI_CASES: FixtureCase[] = [
  // misskey/
  {
    file: "misskey/like-unicode-reaction.json",
    expect: "stored",
    reason: /favourite/,
    rewrites: [TESTING_LOCAL],
    setup: async (h, json) => void (await h.localStatus(json.object)),
  },
  {
    file: "misskey/like-custom-emoji-reaction.json",
    expect: "stored",
    reason: /favourite/,
    rewrites: [["https://pleroma.local.live", "{kith}"]],
    setup: async (h, json) => void (await h.localStatus(json.object)),
  },
  wrapCase("misskey/note-quote.json"),
  actorCase("misskey/actor-misskey-io.json", async (h, json) => {
    // Misskey puts sharedInbox at the top level.
    assert.equal((await h.accountByUri(json.id))?.shared_inbox_url, json.sharedInbox);
  }),
  wrapCase("misskey/note.json"),
  { file: "misskey/create-note.json", expect: "stored" },
  actorCase("misskey/actor-with-iscat.json"),
  wrapCase("misskey/question-no-end-time.json"),
  actorCase("misskey/actor-with-birthday.json"),

  // pleroma/
  {
    file: "pleroma/emoji-react.json",
    expect: "stored",
    reason: /favourite/,
    rewrites: [["http://localtesting.pleroma.lol", "{kith}"]],
    setup: async (h, json) => void (await h.localStatus(json.object)),
  },
  { file: "pleroma/create-chat-message.json", expect: "ignored", reason: /chat/ },
  actorCase("pleroma/actor.json"),
  wrapCase("pleroma/note-emoji-in-summary.json", async (h, json) => {
    assert.match((await h.statusByUri(json.id))?.spoiler_text ?? "", /:[a-z_]+:/);
  }),
  wrapCase("pleroma/question-original.json"),
  {
    file: "pleroma/question-modified.json",
    expect: "stored",
    reason: /poll refreshed/,
    // New tallies, and no second status.
    run: async (h, json) => {
      await h.followed(json.attributedTo);
      await h.deliver(wrapInCreate(await h.json("pleroma/question-original.json")));
      const { "@context": context, ...object } = json;
      return h.deliver({
        "@context": context,
        id: `${json.id}#update`,
        type: "Update",
        actor: json.attributedTo,
        object,
      });
    },
    check: async (h, json) => {
      assert.equal(await h.count("statuses"), 1);
      const status = await h.statusByUri(json.id);
      const poll = await h.kith.db.kysely
        .selectFrom("polls")
        .selectAll()
        .where("status_id", "=", status!.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(poll.cached_tallies), [8, 3]);
      assert.equal(poll.votes_count, 11);
    },
  },
  wrapCase("pleroma/question-with-attachment.json"),
  { file: "pleroma/create-reply-to-misskey-thread.json", expect: "stored" },
  wrapCase("pleroma/note-soapbox-no-mentions-in-content.json"),
  actorCase("pleroma/actor-2022.json"),
  wrapCase("pleroma/note.json", async (h, json) =>
    assert.equal((await h.statusByUri(json.id))?.visibility, "unlisted"),
  ),
  { file: "pleroma/create-note.json", expect: "stored" },
  {
    file: "pleroma/delete.json",
    expect: "stored",
    reason: /status deleted/,
    setup: async (h, json) => {
      await h.followed(json.actor);
      assert.equal((await h.deliver(wrapNote(json.object, json.actor))).result, "stored");
    },
  },
  {
    file: "pleroma/follow.json",
    expect: "stored",
    reason: /following/,
    rewrites: [["https://lemmy.ca/u/", "{kith}/users/"]],
    related: false,
  },

  // gotosocial/
  actorCase("gotosocial/actor-person.json"),
  actorCase("gotosocial/actor-bot-application.json", async (h, json) =>
    assert.equal((await h.accountByUri(json.id))?.actor_type, "Application"),
  ),
  {
    file: "gotosocial/actor-aliased-and-moved.json",
    mode: "actor",
    expect: "stored",
    // The new account confirms the alias, so the move is recorded.
    setup: (h, json) => h.actor(json.movedTo, { alsoKnownAs: [json.id] }).then(() => undefined),
    check: async (h, json) => {
      const account = await h.accountByUri(json.id);
      const target = await h.accountByUri(json.movedTo);
      assert.equal(account?.moved_to_account_id, target?.id);
    },
  },
  actorCase("gotosocial/actor-with-emoji.json"),
  actorCase("gotosocial/actor-with-shared-inbox.json"),
  {
    file: "gotosocial/announce-self-boost-followers-only.json",
    expect: "stored",
    reason: /boost \(private\)/,
    setup: (h, json) =>
      serveNote(h, json.object, json.actor, { to: [`${json.actor}/followers`], cc: [] }),
  },
  { file: "gotosocial/create-poll-vote.json", expect: "ignored", reason: /poll not hosted here/ },
  {
    file: "gotosocial/delete-direct-message.json",
    expect: "stored",
    reason: /status deleted/,
    setup: async (h, json) => {
      await h.followed(json.actor);
      assert.equal((await h.deliver(wrapNote(json.object, json.actor))).result, "stored");
    },
  },
  {
    file: "gotosocial/featured-collection.json",
    expect: "stored",
    run: async (h, json) => {
      await h.serve(json);
      const admin = `${GTS}/users/admin`;
      for (const id of json.orderedItems) await serveNote(h, id, admin);
      await h.actor(admin, { featured: json.id });
      const pinned = await syncFeatured(h.env, await resolveActor(h.env, admin));
      return { result: pinned === 2 ? "stored" : "refused", reason: `${pinned} pinned` };
    },
  },
  {
    file: "gotosocial/flag.json",
    expect: "ignored",
    reason: /report logged/,
    rewrites: [["http://fossbros-anonymous.io", "{kith}"]],
    related: false,
  },
  {
    file: "gotosocial/accept-like-request-polite.json",
    expect: "ignored",
    reason: /other than a Follow/,
  },
  {
    file: "gotosocial/like-authorization.json",
    mode: "fetch",
    // A proof that can be dereferenced, not a status: nothing to store.
    expect: "ignored",
  },
  wrapCase("gotosocial/note-public-with-interaction-policy.json"),
  wrapCase("gotosocial/note-with-tags-emoji-attachments.json"),
  {
    ...wrapCase("gotosocial/note-with-mentions.json", async (h) => {
      // The single Mention object (not an array) names zork, known here.
      assert.equal(await h.count("status_mentions"), 1);
    }),
    setup: (h) => h.followed(`${GTS}/users/the_mighty_zork`).then(() => undefined),
  },
  wrapCase("gotosocial/note-reply-with-approval.json"),
  {
    file: "gotosocial/note-interaction-policy-deprecated-form.json",
    expect: "stored",
    // A fragment from GoToSocial's tests, without id or author: given both.
    run: async (h, json) => {
      const zork = `${GTS}/users/the_mighty_zork`;
      await h.followed(zork);
      const note = { ...json, id: `${zork}/statuses/deprecated-form`, attributedTo: zork };
      return h.deliver(wrapInCreate(note));
    },
  },
  {
    file: "gotosocial/outbox-page.json",
    expect: "stored",
    run: async (h, json) => {
      await h.serve(json);
      const look = await lookAtCollection(h.env, json.id);
      // Creates whose objects are ids only: those ids are what backfilling dereferences.
      const ids = look.items.map((item) => (item as Create).objectId?.href);
      assert.ok(ids.length > 0 && ids.every((id) => id?.startsWith(GTS)));
      return { result: "stored", reason: `${ids.length} object ids` };
    },
  },
  {
    file: "gotosocial/public-key-stub.json",
    expect: "stored",
    run: async (h, json) => {
      h.fake.serve(json.publicKey.id, json);
      const { key } = await fetchKey(new URL(json.publicKey.id), CryptographicKey, {
        documentLoader: h.fake.loader,
        contextLoader: h.fake.contextLoader,
      });
      assert.ok(key instanceof CryptographicKey);
      assert.equal(key.ownerId?.href, json.id);
      // Then the owner itself, the full actor, from its own URL.
      await h.actor(json.id);
      const owner = await resolveActor(h.env, json.id);
      return { result: owner.domain ? "stored" : "refused", reason: "key and owner" };
    },
  },
  {
    file: "gotosocial/create-note.json",
    expect: "stored",
    check: async (h, json) => {
      const found = await resolveStatus(h.env, json.object.id);
      assert.equal(found?.uri, json.object.id);
    },
  },
];
