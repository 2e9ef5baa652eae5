// Mentions of remote accounts this server has never seen are looked up at their server (through
// the Context's RemoteLookup, which federation provides), as Mastodon does, so that the status
// links them, mentions them and is delivered to them. A lookup that fails leaves plain text.
import assert from "node:assert/strict";
import { before, it } from "node:test";
import { findByHandle } from "../../../src/domain/accounts/queries.ts";
import type { Context } from "../../../src/domain/context.ts";
import type { RemoteLookup } from "../../../src/domain/search/resolve.ts";
import { createStatus } from "../../../src/domain/statuses/create.ts";
import { loadViewer } from "../../../src/domain/viewer.ts";
import { insertRemoteAccount } from "../../helpers/accounts.ts";
import { eachDatabase } from "../../helpers/databases.ts";
import { createUser } from "../../helpers/users.ts";

eachDatabase(
  "mentions of unknown remote accounts",
  (fixture) => {
    const asked: string[] = [];
    let ctx: Context;
    let authorId: string;

    before(async () => {
      const base = fixture().ctx;
      // A stand-in for federation: remy exists at far.example, nobody at down.example answers.
      const remote: RemoteLookup = {
        async account(handle) {
          asked.push(handle);
          if (handle.endsWith("@down.example")) throw new Error("connection refused");
          if (handle !== "remy@far.example") return null;
          await insertRemoteAccount(base.db, { username: "remy", domain: "far.example" });
          return findByHandle(base, handle);
        },
        async object() {
          return null;
        },
      };
      ctx = { ...base, remote };
      authorId = (await createUser(base)).accountId;
    });

    it("looks an unknown handle up once and mentions the account found", async () => {
      const viewer = await loadViewer(ctx, authorId);
      const status = await createStatus(ctx, viewer, {
        text: "hello @remy@far.example and @ghost@down.example",
        visibility: "direct",
      });
      assert.deepEqual(asked.sort(), ["ghost@down.example", "remy@far.example"]);
      const remy = await findByHandle(ctx, "remy@far.example");
      assert.ok(remy);
      const mentioned = await ctx.db.kysely
        .selectFrom("status_mentions")
        .select("account_id")
        .where("status_id", "=", status.id)
        .execute();
      assert.deepEqual(
        mentioned.map((m) => m.account_id),
        [remy.id],
      );
      assert.match(status.content, /class="u-url mention"[^>]*>@<span>remy<\/span><\/a>/);
      assert.doesNotMatch(status.content, /ghost<\/span>/, "the failed lookup stays plain text");

      // Known now: the next status does not ask again.
      asked.length = 0;
      await createStatus(ctx, viewer, { text: "again @remy@far.example", visibility: "direct" });
      assert.deepEqual(asked, []);
    });

    it("does not look up local handles or accounts it knows", async () => {
      await insertRemoteAccount(ctx.db, { username: "kim", domain: "known.example" });
      const local = await createUser(ctx);
      asked.length = 0;
      const viewer = await loadViewer(ctx, authorId);
      await createStatus(ctx, viewer, {
        text: `hi @kim@known.example @${local.username} @${local.username}@${ctx.config.domain}`,
      });
      assert.deepEqual(asked, []);
    });
  },
  { env: { KITH_DOMAIN: "home.example" } },
);
