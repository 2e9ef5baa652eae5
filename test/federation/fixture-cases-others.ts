// Fixture cases for lemmy/, peertube/, other/ and adversarial/ (see fixture-cases-mastodon.ts).
import assert from "node:assert/strict";
import { parseNodeInfo } from "@fedify/fedify";
import { receiveRemoteStatus } from "../../src/domain/statuses/receive.ts";
import { resolveActor } from "../../src/federation/remote/actors.ts";
import { resolveStatus } from "../../src/federation/remote/statuses.ts";
import { parseXrd, webfingerUrl } from "../../src/federation/remote/webfinger.ts";
import type { FixtureHarness, Json } from "../helpers/fixture-harness.ts";
import {
  actorCase,
  type FixtureCase,
  fetchRawActor,
  reportedOnce,
  webfinger,
  wrapCase,
} from "../helpers/fixture-scenes.ts";

/** A remote status by `author`, stored as if it had arrived long ago (before an edit). */
async function storedEarlier(h: FixtureHarness, uri: string, author: string) {
  await h.actor(author);
  const account = await resolveActor(h.env, author);
  await receiveRemoteStatus(h.kith, {
    uri,
    url: null,
    accountId: account.id,
    inReplyTo: null,
    inReplyToUri: null,
    content: "<p>before</p>",
    spoilerText: "",
    sensitive: false,
    visibility: "public",
    language: null,
    createdAt: "2020-01-01T00:00:00.000Z",
    mentionedAccountIds: [],
    notifyAccountIds: [],
    tags: [],
  });
}

const fetchCase = (
  file: string,
  url: (json: Json) => string,
  contentType?: string,
): FixtureCase => ({
  file,
  expect: "refused",
  run: async (h, json) => {
    await h.serve(json, url(json), contentType);
    return h.attempt(() => resolveStatus(h.env, url(json)));
  },
});

const handleRefused = (
  file: string,
  handle: string,
  host: string,
  reason: RegExp,
): FixtureCase => ({
  file,
  expect: "refused",
  reason,
  run: async (h) => {
    h.fake.serveRaw(webfingerUrl(`https://${host}`, `acct:${handle}`), h.text(file));
    return h.attempt(() => webfinger(h)(handle));
  },
});

export const OTHER_CASES: FixtureCase[] = [
  // lemmy/
  actorCase("lemmy/group.json", async (h, json) =>
    assert.equal((await h.accountByUri(json.id))?.actor_type, "Group"),
  ),
  actorCase("lemmy/person.json"),
  wrapCase("lemmy/page.json", async (h, json) =>
    // Converted: the title, the text and a link to the page.
    assert.match((await h.statusByUri(json.id))?.content ?? "", /<strong>/),
  ),
  wrapCase("lemmy/page-image-and-link.json"),
  wrapCase("lemmy/comment.json", async (h, json) =>
    assert.equal((await h.statusByUri(json.id))?.in_reply_to_uri, json.inReplyTo),
  ),
  { file: "lemmy/tombstone.json", mode: "fetch", expect: "ignored", reason: /nothing/ },
  {
    file: "lemmy/announce-create-page.json",
    expect: "stored",
    // No @context at all: taken down the repaired path, signature still checked.
    setup: (h, json) => h.actor(json.object.actor).then(() => undefined),
    check: async (h, json) => assert.ok(await h.statusByUri(json.object.object.id)),
  },
  { file: "lemmy/lock-page.json", expect: "ignored", reason: /not handled/ },
  {
    // The reported post made local: a report about its author, the reason from `summary`.
    file: "lemmy/report-page-flag.json",
    expect: "stored",
    rewrites: [["http://enterprise.lemmy.ml", "{kith}"]],
    related: false,
    setup: (h, json) => h.localStatus(json.object).then(() => undefined),
    check: async (h, json) => {
      await reportedOnce(h, json, "lain", 1);
      const { comment } = await h.kith.db.kysely
        .selectFrom("reports")
        .select("comment")
        .executeTakeFirstOrThrow();
      assert.equal(comment, "report this post");
    },
  },
  { file: "lemmy/create-comment.json", expect: "stored" },
  {
    file: "lemmy/update-page.json",
    expect: "stored",
    reason: /status edited/,
    setup: (h, json) => storedEarlier(h, json.object.id, json.actor),
    check: async (h, json) =>
      assert.match((await h.statusByUri(json.object.id))?.content ?? "", /test body/),
  },
  {
    file: "lemmy/create-private-message.json",
    expect: "stored",
    rewrites: [["http://ds9.lemmy.ml/u/", "{kith}/users/"]],
    related: false,
    check: async (h, json) => {
      assert.equal((await h.statusByUri(json.object.id))?.visibility, "direct");
      assert.equal(await h.count("notifications"), 1);
    },
  },
  // A moderator of another server deleting a comment that is not theirs.
  { file: "lemmy/remove-note.json", expect: "refused", reason: /403/ },
  {
    file: "lemmy/delete-user.json",
    expect: "stored",
    reason: /account and its content deleted/,
  },
  { file: "lemmy/follow-group.json", expect: "ignored", reason: /not a local account/ },
  {
    file: "lemmy/accept-follow.json",
    expect: "stored",
    reason: /follow accepted/,
    rewrites: [["http://ds9.lemmy.ml/u/", "{kith}/users/"]],
    related: false,
    setup: async (h, json) => {
      const alpha = await h.local("lemmy_alpha");
      const group = await h.followed(json.actor);
      await h.kith.db.kysely.deleteFrom("follows").execute();
      await h.kith.db.kysely
        .insertInto("follow_requests")
        .values({
          id: "100000000000000001",
          account_id: alpha,
          target_account_id: group,
          uri: json.object.id,
          languages: null,
          created_at: new Date().toISOString(),
        })
        .execute();
    },
  },
  // Liking a comment on its own server: favourites of remote statuses are not counted here.
  { file: "lemmy/like-note.json", expect: "ignored", reason: /not a local status/ },
  { file: "lemmy/dislike-page.json", expect: "ignored", reason: /not handled/ },
  { file: "lemmy/block-user-from-community.json", expect: "ignored", reason: /community/ },

  // peertube/
  actorCase("peertube/actor-person.json"),
  actorCase("peertube/actor-channel-group.json"),
  {
    file: "peertube/announce-video.json",
    expect: "stored",
    setup: async (h) => h.serve(await h.json("peertube/video.json")),
  },
  { file: "peertube/create-video-hls-only.json", expect: "stored" },
  { file: "peertube/create-video.json", expect: "stored" },
  wrapCase("peertube/note-comment.json"),
  {
    file: "peertube/video-mixed-url-links.json",
    expect: "stored",
    // A Video without attributedTo: delivered by the account its followers collection names.
    run: async (h, json) => {
      const author = "https://example.org/accounts/someone";
      await h.followed(author);
      const { "@context": context, ...video } = json;
      return h.deliver({
        "@context": context,
        id: `${json.id}#create`,
        type: "Create",
        actor: author,
        object: { ...video, attributedTo: author },
      });
    },
    check: async (h, json) =>
      assert.equal(
        (await h.statusByUri(json.id))?.url,
        "https://example.org/w/jifTXYpdLJSU269svW8Jdb",
      ),
  },
  wrapCase("peertube/video.json"),

  // other/
  { file: "other/kroeg-create-note-inline-actor.json", expect: "stored" },
  { file: "other/kroeg-tag-not-array-emoji.json", expect: "stored" },
  {
    file: "other/kroeg-tag-not-array-hashtag.json",
    expect: "stored",
    check: async (h) => assert.equal(await h.count("status_tags"), 1),
  },
  actorCase("other/hubzilla-actor.json"),
  { file: "other/hubzilla-create-image.json", expect: "stored" },
  {
    file: "other/osada-follow-inline-actor.json",
    expect: "stored",
    reason: /following/,
    rewrites: [["https://pleroma.site", "{kith}"]],
    related: false,
  },
  wrapCase("other/mobilizon-event.json"),
  { file: "other/funkwhale-create-audio.json", expect: "stored" },
  wrapCase("other/plume-article.json"),
  { file: "other/wordpress-create-article.json", expect: "stored" },
  wrapCase("other/smithereen-question-non-anonymous.json"),
  actorCase("other/guppe-group-actor.json"),
  wrapCase("other/owncast-note-with-attachment.json"),
  wrapCase("other/fedibird-quote-uri.json"),
  wrapCase("other/fedibird-quote-inline-link-mismatch.json"),
  wrapCase("other/fep-e232-object-link-tag.json"),
  {
    file: "other/wildebeest-nodeinfo-2.1.json",
    expect: "stored",
    run: async (_h, json) => {
      const info = parseNodeInfo(json);
      return info
        ? { result: "stored", reason: info.software.name }
        : { result: "refused", reason: "not NodeInfo" };
    },
  },
  actorCase("other/activityrelay-actor.json"),
  { file: "other/friendica-create-note.json", expect: "stored" },
  { file: "other/mbin-flag-multiple-objects.json", expect: "ignored", reason: /nothing local/ },
  {
    file: "other/wordpress-announce-update.json",
    expect: "stored",
    reason: /status edited/,
    setup: async (h, json) => {
      await h.followed(json.actor);
      await storedEarlier(h, json.object.object.id, json.object.actor);
    },
  },
  actorCase("other/owncast-service-actor.json", async (h, json) =>
    assert.equal((await h.accountByUri(json.id))?.actor_type, "Service"),
  ),
  actorCase("other/honk-actor.json"),
  { file: "other/bandwagon-album.json", mode: "wrap", expect: "ignored", reason: /does not show/ },

  // adversarial/
  actorCase("adversarial/actor-empty-name.json", async (h, json) =>
    assert.equal((await h.accountByUri(json.id))?.display_name, ""),
  ),
  {
    file: "adversarial/announce-embedded-object-from-other-origin.json",
    expect: "refused",
    // The embedded copy is not trusted; its origin does not have it.
    reason: /404/,
  },
  ...["adversarial/emoji-react-not-an-emoji.json", "adversarial/emoji-react-two-emoji.json"].map(
    (file): FixtureCase => ({
      file,
      expect: "refused",
      reason: /exactly one emoji/,
      rewrites: [["http://localtesting.pleroma.lol", "{kith}"]],
      setup: async (h, json) => void (await h.localStatus(json.object)),
      check: async (h) => assert.equal(await h.count("favourites"), 0),
    }),
  ),
  fetchCase("adversarial/fetched-object-actor-on-other-host.json", (j) => j.id),
  fetchCase("adversarial/fetched-object-attributedto-other-host.json", (j) => j.id),
  fetchCase(
    "adversarial/fetched-object-id-differs-from-url.json",
    () => "https://info.pleroma.site/activity3.json",
  ),
  fetchCase(
    "adversarial/fetched-object-id-on-other-host.json",
    () => "https://info.pleroma.site/activity4.json",
  ),
  fetchCase(
    "adversarial/object-served-as-media-id-mismatch.json",
    () => "https://patch.cx/media/spoof.json",
    "application/json",
  ),
  {
    file: "adversarial/move-actor-differs-from-signer.json",
    expect: "refused",
    reason: /401/,
    related: false,
    run: async (h, json) =>
      h.deliver(json, { signer: await h.actor("http://fossbros-anonymous.io/users/foss_satan") }),
  },
  {
    file: "adversarial/move-object-differs-from-actor.json",
    expect: "refused",
    reason: /its own actor/,
  },
  { file: "adversarial/move-target-equals-object.json", expect: "refused", reason: /itself/ },
  {
    file: "adversarial/non-activitystreams-json.json",
    expect: "refused",
    run: async (h, json) => {
      h.fake.serve("https://spoof.example/users/lord", json);
      return h.attempt(() => resolveActor(h.env, "https://spoof.example/users/lord"));
    },
  },
  wrapCase("adversarial/note-emoji-null-id.json"),
  {
    file: "adversarial/note-spam-many-mentions-with-link.json",
    mode: "wrap",
    expect: "stored",
    reason: /quiet/,
    // It mentions the_mighty_zork, local here; nobody here follows the sender.
    rewrites: [["http://localhost:8080", "{kith}"]],
    related: false,
    check: async (h) => assert.equal(await h.count("notifications"), 0),
  },
  {
    file: "adversarial/webfinger-subject-spoof.json",
    expect: "refused",
    reason: /could not be confirmed/,
    run: async (h, json) => {
      h.fake.serve(webfingerUrl("https://gleasonator.com", "acct:alex@gleasonator.com"), json, {
        contentType: "application/jrd+json",
      });
      return h.attempt(() => webfinger(h)("alex@gleasonator.com"));
    },
  },
  ...["adversarial/xml-billion-laughs.xml", "adversarial/xml-external-entity.xml"].map(
    (file): FixtureCase => ({
      file,
      expect: "refused",
      reason: /document type declaration/,
      run: async (h) => h.attempt(async () => parseXrd(h.text(file))),
    }),
  ),
  {
    file: "adversarial/http-actor-null-inbox.txt",
    expect: "refused",
    run: (h) => fetchRawActor(h, "adversarial/http-actor-null-inbox.txt"),
  },
  handleRefused(
    "adversarial/http-webfinger-no-self-link.txt",
    "brokengargron@quitter.no",
    "quitter.no",
    /no ActivityPub actor/,
  ),
  handleRefused(
    "adversarial/http-webfinger-subject-other-account.txt",
    "hacker1@redirected.com",
    "redirected.com",
    /could not be confirmed|another actor/,
  ),
  handleRefused(
    "adversarial/http-webfinger-subject-unverifiable.txt",
    "someone@redirected.com",
    "redirected.com",
    /no ActivityPub actor|could not be confirmed/,
  ),
];
