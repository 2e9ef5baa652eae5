// The full-text index follows the statuses table on both databases whatever writes to it:
// storing a remote status, editing it (the existing edit path knows nothing of the index),
// reblogs (never indexed themselves), and deletes, including those cascading from an
// account's row. HTML markup and entities are not indexed as words.
import assert from "node:assert/strict";
import { before, it } from "node:test";
import { sql } from "kysely";
import { parseStatusQuery } from "../../../src/domain/search/query.ts";
import { searchStatuses } from "../../../src/domain/search/statuses.ts";
import { reblog } from "../../../src/domain/statuses/reblogs.ts";
import { editRemoteStatus, receiveRemoteStatus } from "../../../src/domain/statuses/receive.ts";
import { loadViewer, type Viewer } from "../../../src/domain/viewer.ts";
import { insertRemoteAccount } from "../../helpers/accounts.ts";
import { eachDatabase } from "../../helpers/databases.ts";
import { createUser } from "../../helpers/users.ts";

eachDatabase("the search index", (fixture) => {
  let viewer: Viewer;
  let remoteId: string;

  const find = async (q: string) =>
    (
      await searchStatuses(fixture().ctx, viewer, {
        query: parseStatusQuery(q),
        page: { limit: 40 },
        offset: 0,
      })
    ).statuses.map((s) => s.row.id);

  const receive = (uri: string, content: string, spoilerText = "") =>
    receiveRemoteStatus(fixture().ctx, {
      uri,
      url: null,
      accountId: remoteId,
      inReplyTo: null,
      inReplyToUri: null,
      content,
      spoilerText,
      sensitive: false,
      visibility: "public",
      language: null,
      createdAt: new Date().toISOString(),
      mentionedAccountIds: [],
      notifyAccountIds: [],
      tags: [],
    });

  before(async () => {
    const { ctx } = fixture();
    const user = await createUser(ctx);
    viewer = await loadViewer(ctx, user.accountId);
    remoteId = await insertRemoteAccount(ctx.db, { username: "far", domain: "far.example" });
    await ctx.db.kysely
      .updateTable("accounts")
      .set({ indexable: 1 })
      .where("id", "=", remoteId)
      .execute();
  });

  it("indexes received statuses as text, not markup", async () => {
    const { status } = await receive(
      "https://far.example/notes/1",
      '<p>Tom &amp; Jerry &lt;3 <a href="https://far.example/x" class="u-url">link</a></p>',
      "cartoons",
    );
    assert.deepEqual(await find("jerry"), [status.id]);
    assert.deepEqual(await find('"tom & jerry"'), [status.id]);
    assert.deepEqual(await find("cartoons"), [status.id]);
    assert.deepEqual(await find("amp"), []);
    assert.deepEqual(await find("href"), []);
    assert.deepEqual(await find("has:link jerry"), [status.id]);
  });

  it("follows edits made through the existing edit path", async () => {
    const { ctx } = fixture();
    const { status } = await receive("https://far.example/notes/2", "<p>first draft</p>");
    assert.deepEqual(await find("draft"), [status.id]);
    const edited = await editRemoteStatus(ctx, status, {
      content: "<p>final version</p>",
      spoilerText: "",
      sensitive: false,
      language: null,
      editedAt: new Date(Date.now() + 1000).toISOString(),
      mentionedAccountIds: [],
      notifyAccountIds: [],
      tags: [],
    });
    assert.ok(edited);
    assert.deepEqual(await find("draft"), []);
    assert.deepEqual(await find("final"), [status.id]);
  });

  it("finds a reblogged status once, as itself", async () => {
    const { ctx } = fixture();
    const { status } = await receive("https://far.example/notes/3", "<p>boosted words</p>");
    const boost = await reblog(ctx, viewer, status.id);
    assert.notEqual(boost.id, status.id);
    assert.deepEqual(await find("boosted"), [status.id]);
  });

  it("forgets statuses deleted directly or with their account", async () => {
    const { ctx } = fixture();
    const { status } = await receive("https://far.example/notes/4", "<p>vanishing ink</p>");
    assert.deepEqual(await find("vanishing"), [status.id]);
    await ctx.db.kysely.deleteFrom("accounts").where("id", "=", remoteId).execute();
    assert.deepEqual(await find("vanishing"), []);
    assert.deepEqual(await find("jerry"), []);
    if (ctx.db.dialect === "sqlite") {
      const left = await sql<{ n: number }>`SELECT count(*) AS n FROM status_search`.execute(
        ctx.db.kysely,
      );
      assert.equal(Number(left.rows[0]!.n), 0, "no index rows outlive their statuses");
    }
  });
});
