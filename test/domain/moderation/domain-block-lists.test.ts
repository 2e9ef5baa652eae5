// Blocklists on both databases: a CSV export imported into another database (the other kind)
// keeps every field, obfuscation and both comments included; one malformed row fails the whole
// import with its line number and changes nothing; Mastodon's own fixture files import; and a
// subscription picks up changes at a URL served by a local HTTP server (auto applies them,
// review holds them for approval or rejection), conditional on its ETag, with the safe fetch's
// refusal of loopback addresses outside development mode.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { openDatabase } from "../../../src/db/database.ts";
import { migrateToLatest } from "../../../src/db/migrate.ts";
import type { Context } from "../../../src/domain/context.ts";
import { listAudit } from "../../../src/domain/moderation/audit.ts";
import {
  exportDomainBlocks,
  importDomainBlocks,
} from "../../../src/domain/moderation/domain-block-csv.ts";
import {
  addSubscription,
  approvePendingChange,
  listPendingChanges,
  refreshSubscription,
  rejectPendingChange,
} from "../../../src/domain/moderation/domain-block-subscriptions.ts";
import {
  allDomainBlocks,
  createDomainBlock,
  findDomainBlock,
} from "../../../src/domain/moderation/domain-blocks.ts";
import {
  isSilenced,
  isSuspended,
  rejectsMedia,
} from "../../../src/domain/moderation/domain-policy.ts";
import { blocklistFetcher } from "../../../src/federation/blocklist-fetch.ts";
import {
  createThrowawayDatabase,
  eachDatabase,
  POSTGRES_ADMIN_URL,
  testConfig,
} from "../../helpers/databases.ts";
import { rowCounts } from "../../helpers/row-counts.ts";

const OPERATOR = { accountId: null };
const CSV_FIXTURES = join(import.meta.dirname, "../../../../shared/fixtures/mastodon-csv");
const FIXTURES_SKIP = existsSync(CSV_FIXTURES)
  ? false
  : `Mastodon CSV fixtures not found at ${CSV_FIXTURES}; fixture imports skipped`;

/** A blocklist server: serves `body` with an ETag, 304 for a matching If-None-Match. */
async function startListServer() {
  const state = { body: "", requests: 0, notModified: 0 };
  const server: Server = createServer((req, res) => {
    state.requests++;
    const etag = `"${Buffer.from(state.body).toString("base64url").slice(-16)}-${state.body.length}"`;
    if (req.headers["if-none-match"] === etag) {
      state.notModified++;
      return res.writeHead(304, { ETag: etag }).end();
    }
    res.writeHead(200, { "Content-Type": "text/csv", ETag: etag }).end(state.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/blocklist.csv`;
  return {
    state,
    url,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const HEADER = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate";

eachDatabase("domain blocklists", (fixture) => {
  const ctx = (): Context => fixture().ctx;

  it("exports every field and imports them into another database", async () => {
    await createDomainBlock(ctx(), OPERATOR, "obscure.example", {
      severity: "suspend",
      rejectMedia: true,
      rejectReports: true,
      publicComment: 'spam, "lots" of it',
      privateComment: "see ticket 12,\nand the thread",
      obfuscate: true,
    });
    await createDomainBlock(ctx(), OPERATOR, "quiet.example", { severity: "silence" });
    await createDomainBlock(ctx(), OPERATOR, "flags.example", {
      severity: "noop",
      rejectReports: true,
    });
    const csv = await exportDomainBlocks(ctx(), { privateComments: true });
    assert.match(
      csv,
      /^#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate,#private_comment\n/,
    );
    const plain = await exportDomainBlocks(ctx());
    assert.equal(plain.split("\n")[0], HEADER, "Mastodon's columns, in its order");
    assert.doesNotMatch(plain, /ticket/, "private comments only when asked for");

    const otherKind = fixture().kind === "sqlite" && POSTGRES_ADMIN_URL ? "postgres" : "sqlite";
    const throwaway = await createThrowawayDatabase(otherKind);
    const config = testConfig(throwaway.env);
    const db = await openDatabase(config.database);
    try {
      await migrateToLatest(db);
      const other: Context = { config, db };
      const summary = await importDomainBlocks(other, OPERATOR, csv);
      assert.deepEqual(summary, { created: 3, skipped: 0 });
      const strip = (rows: Awaited<ReturnType<typeof allDomainBlocks>>) =>
        rows.map(({ id: _i, created_at: _c, updated_at: _u, ...rest }) => rest);
      assert.deepEqual(strip(await allDomainBlocks(other)), strip(await allDomainBlocks(ctx())));
      assert.equal(await isSuspended(other, "a.obscure.example"), true);
      assert.equal(await isSilenced(other, "quiet.example"), true);
      const imports = await listAudit(other, { action: "domain_block." }, { limit: 10 });
      assert.deepEqual(imports.map((e) => e.action).sort(), [
        "domain_block.create",
        "domain_block.create",
        "domain_block.create",
        "domain_block.import",
      ]);
      // Imported again: every domain is covered already, nothing changes.
      assert.deepEqual(await importDomainBlocks(other, OPERATOR, csv), { created: 0, skipped: 3 });
    } finally {
      await db.close();
      await throwaway.drop();
    }
  });

  it("refuses a file with a malformed row, naming its line, and applies nothing", async () => {
    const tables = ["domain_blocks", "audit_log", "settings"] as const;
    const before = await rowCounts(fixture().db, tables);
    const file = [
      HEADER,
      "fine.example,suspend,false,false,ok,false",
      'also-fine.example,silence,true,false,"a comment, with a comma",false',
      "broken.example,banish,false,false,,false",
      "another.example,silence,maybe,false,,false",
    ].join("\n");
    await assert.rejects(importDomainBlocks(ctx(), OPERATOR, file), (error: Error) => {
      assert.match(error.message, /line 4: #severity/);
      assert.match(error.message, /line 5: #reject_media/);
      return true;
    });
    assert.deepEqual(await rowCounts(fixture().db, tables), before);
    assert.equal(await findDomainBlock(ctx(), "fine.example"), undefined);
    await assert.rejects(
      importDomainBlocks(ctx(), OPERATOR, `${HEADER}\nnot a domain,suspend`),
      /line 2/,
    );
    await assert.rejects(
      importDomainBlocks(ctx(), OPERATOR, `${HEADER}\ndup.example\nx.example\ndup.example`),
      /line 4: dup\.example is listed already on line 2/,
    );
    assert.deepEqual(await rowCounts(fixture().db, tables), before);
  });

  describe("Mastodon's fixture files", { skip: FIXTURES_SKIP }, () => {
    it("imports domain_blocks.csv, the one with an extra column, and the plain list", async () => {
      const read = (name: string) => readFileSync(join(CSV_FIXTURES, name), "utf8");
      assert.deepEqual(await importDomainBlocks(ctx(), OPERATOR, read("domain_blocks.csv")), {
        created: 3,
        skipped: 0,
      });
      const worse = await findDomainBlock(ctx(), "worse.domain");
      assert.equal(worse?.severity, "suspend");
      assert.equal(worse?.obfuscate, 1);
      assert.equal(worse?.public_comment, "worse");
      assert.equal(await rejectsMedia(ctx(), "reject.media"), true);
      const extra = await importDomainBlocks(
        ctx(),
        OPERATOR,
        read("domain_blocks-with-reject_follows.csv"),
      );
      assert.deepEqual(extra, { created: 1, skipped: 3 });
      const list = await importDomainBlocks(ctx(), OPERATOR, read("domain_blocks_list.txt"));
      assert.deepEqual(list, { created: 0, skipped: 3 });
    });
  });

  describe("subscriptions", () => {
    let list: Awaited<ReturnType<typeof startListServer>>;
    before(async () => {
      list = await startListServer();
    });
    after(() => list.stop());

    it("auto mode applies what the list says, and what it later drops or changes", async () => {
      list.state.body = `${HEADER}\nauto-a.example,suspend,false,false,a,false\nauto-b.example,silence,false,false,,false\n`;
      const sub = await addSubscription(ctx(), OPERATOR, `${list.url}?auto`, "auto");
      const fetchList = blocklistFetcher(ctx());
      const first = await refreshSubscription(ctx(), sub.id, fetchList);
      assert.deepEqual(
        first.applied.map((c) => `${c.action} ${c.domain}`),
        ["create auto-a.example", "create auto-b.example"],
      );
      assert.equal(await isSuspended(ctx(), "auto-a.example"), true);
      assert.equal((await findDomainBlock(ctx(), "auto-a.example"))?.subscription_id, sub.id);

      const again = await refreshSubscription(ctx(), sub.id, fetchList);
      assert.equal(again.notModified, true, "the ETag made it a 304");
      assert.ok(list.state.notModified >= 1);

      list.state.body = `${HEADER}\nauto-b.example,suspend,true,false,now worse,false\n`;
      const changed = await refreshSubscription(ctx(), sub.id, fetchList);
      assert.deepEqual(
        changed.applied.map((c) => `${c.action} ${c.domain}`),
        ["update auto-b.example", "destroy auto-a.example"],
      );
      assert.equal(await isSuspended(ctx(), "auto-a.example"), false);
      assert.equal(await isSuspended(ctx(), "auto-b.example"), true);
      const actions = (await listAudit(ctx(), { action: "domain_block" }, { limit: 50 })).length;
      assert.equal(actions, 0, "exact action filter: no bare 'domain_block' entries");
      const log = await listAudit(ctx(), { targetId: sub.id }, { limit: 10 });
      assert.deepEqual(
        log.map((e) => e.action),
        [
          "domain_block_subscription.apply",
          "domain_block_subscription.apply",
          "domain_block_subscription.create",
        ],
      );
    });

    it("review mode holds changes; approve applies one, reject keeps it from coming back", async () => {
      list.state.body = `${HEADER}\nheld-a.example,suspend,false,false,,false\nheld-b.example,silence,false,false,,false\n`;
      const sub = await addSubscription(ctx(), OPERATOR, `${list.url}?review`, "review");
      const result = await refreshSubscription(ctx(), sub.id, blocklistFetcher(ctx()));
      assert.equal(result.applied.length, 0);
      assert.equal(
        await findDomainBlock(ctx(), "held-a.example"),
        undefined,
        "nothing applied yet",
      );
      const pending = (await listPendingChanges(ctx())).filter((p) => p.subscriptionId === sub.id);
      assert.deepEqual(
        pending.map((p) => `${p.action} ${p.domain}`),
        ["create held-a.example", "create held-b.example"],
      );

      assert.equal(await approvePendingChange(ctx(), OPERATOR, pending[0]!.id), true);
      assert.equal(await isSuspended(ctx(), "held-a.example"), true);
      await rejectPendingChange(ctx(), OPERATOR, pending[1]!.id);
      assert.equal(await findDomainBlock(ctx(), "held-b.example"), undefined);

      // The list changes (a comment added to held-a); held-b, rejected, is not proposed again.
      list.state.body = `${HEADER}\nheld-a.example,suspend,false,false,new note,false\nheld-b.example,silence,false,false,,false\n`;
      await refreshSubscription(ctx(), sub.id, blocklistFetcher(ctx()));
      const next = (await listPendingChanges(ctx())).filter((p) => p.subscriptionId === sub.id);
      assert.deepEqual(
        next.map((p) => `${p.action} ${p.domain}`),
        ["update held-a.example"],
      );
      assert.equal(await approvePendingChange(ctx(), OPERATOR, next[0]!.id), true);
      assert.equal((await findDomainBlock(ctx(), "held-a.example"))?.public_comment, "new note");
      const log = await listAudit(ctx(), { targetId: sub.id }, { limit: 10 });
      assert.deepEqual(
        log.map((e) => e.action),
        [
          "domain_block_subscription.approve",
          "domain_block_subscription.reject",
          "domain_block_subscription.approve",
          "domain_block_subscription.create",
        ],
      );
    });

    it("keeps a bad list as an error and changes nothing; refuses loopback outside dev mode", async () => {
      list.state.body = `${HEADER}\nok.example,suspend\nbad domain,suspend\n`;
      const sub = await addSubscription(ctx(), OPERATOR, `${list.url}?bad`, "auto");
      await assert.rejects(refreshSubscription(ctx(), sub.id, blocklistFetcher(ctx())), /line 3/);
      assert.equal(await findDomainBlock(ctx(), "ok.example"), undefined);
      const production = { ...ctx(), config: { ...ctx().config, devMode: false } };
      await assert.rejects(blocklistFetcher(production)(list.url, null), /scheme not allowed/);
      const https = list.url.replace("http:", "https:");
      await assert.rejects(blocklistFetcher(production)(https, null), /address not allowed/);
    });
  });
});
