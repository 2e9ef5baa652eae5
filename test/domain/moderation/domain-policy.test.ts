// policyFor on both databases: a block covers subdomains (and any port unless it names one),
// the most specific block wins, allowlist mode lets only allowed domains (and subdomains)
// federate, this server's own host is never blocked, and a change made through another
// process's context is seen within a second (the version in settings), at once in its own.
import assert from "node:assert/strict";
import { it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { Context } from "../../../src/domain/context.ts";
import { createDomainAllow } from "../../../src/domain/moderation/domain-allows.ts";
import {
  createDomainBlock,
  deleteDomainBlock,
} from "../../../src/domain/moderation/domain-blocks.ts";
import {
  isSilenced,
  isSuspended,
  policyFor,
  rejectsMedia,
  rejectsReports,
} from "../../../src/domain/moderation/domain-policy.ts";
import { eachDatabase } from "../../helpers/databases.ts";

const OPERATOR = { accountId: null };

eachDatabase("policyFor", (fixture) => {
  const ctx = (): Context => fixture().ctx;

  it("covers subdomains and ports; the most specific block wins", async () => {
    await createDomainBlock(ctx(), OPERATOR, "example.com", {
      severity: "silence",
      rejectMedia: true,
    });
    await createDomainBlock(ctx(), OPERATOR, "bad.example.com", { severity: "suspend" });
    await createDomainBlock(ctx(), OPERATOR, "ported.test:8443", {
      severity: "noop",
      rejectReports: true,
    });
    assert.equal(await isSilenced(ctx(), "example.com"), true);
    assert.equal(await isSilenced(ctx(), "a.b.Example.COM"), true);
    assert.equal(await isSilenced(ctx(), "example.com:3000"), true);
    assert.equal(await rejectsMedia(ctx(), "x.example.com"), true);
    assert.equal(await isSuspended(ctx(), "x.bad.example.com"), true);
    assert.equal(
      await isSilenced(ctx(), "x.bad.example.com"),
      false,
      "the suspension is more specific",
    );
    assert.equal(
      await rejectsMedia(ctx(), "bad.example.com"),
      true,
      "nothing passes, media neither",
    );
    assert.equal(await isSuspended(ctx(), "notexample.com"), false);
    assert.equal(await rejectsReports(ctx(), "ported.test:8443"), true);
    assert.equal(await rejectsReports(ctx(), "ported.test:9000"), false, "another port");
    assert.equal((await policyFor(ctx(), "fine.test")).block, null);
  });

  it("sees another process's change within a second, its own at once", async () => {
    // Another process: the same database, its own configuration object (its own cache).
    const other: Context = { ...ctx(), config: { ...ctx().config } };
    assert.equal(await isSuspended(other, "later.test"), false);
    const block = await createDomainBlock(ctx(), OPERATOR, "later.test", { severity: "suspend" });
    assert.equal(await isSuspended(ctx(), "later.test"), true, "at once where it was made");
    assert.equal(await isSuspended(other, "later.test"), false, "still cached elsewhere");
    await sleep(1100);
    assert.equal(await isSuspended(other, "later.test"), true, "seen after the version check");
    await deleteDomainBlock(ctx(), OPERATOR, block.id);
    assert.equal(await isSuspended(ctx(), "later.test"), false);
  });
});

eachDatabase(
  "policyFor in allowlist mode",
  (fixture) => {
    const ctx = (): Context => fixture().ctx;
    it("lets only allowed domains and their subdomains federate, and never refuses itself", async () => {
      assert.equal(await isSuspended(ctx(), "friends.test"), true);
      await createDomainAllow(ctx(), OPERATOR, "friends.test");
      assert.equal(await isSuspended(ctx(), "friends.test"), false);
      assert.equal(await isSuspended(ctx(), "eu.friends.test"), false);
      assert.equal(await isSuspended(ctx(), "strangers.test"), true);
      assert.equal(await rejectsMedia(ctx(), "strangers.test"), true);
      assert.equal(await isSuspended(ctx(), new URL(ctx().config.origin).host), false);
      await createDomainBlock(ctx(), OPERATOR, "bad.friends.test", { severity: "suspend" });
      assert.equal(await isSuspended(ctx(), "bad.friends.test"), true, "a block still holds");
    });
  },
  { env: { KITH_LIMITED_FEDERATION: "true" } },
);
