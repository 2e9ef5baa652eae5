// The switch from open registrations to approval when no admin or moderator has been active for
// a week (Mastodon 4.3), on both databases: inactivity is simulated by moving timestamps back,
// and the hourly job's function is called directly.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { signUp } from "../../../src/domain/accounts/registration.ts";
import {
  checkModeratorActivity,
  lastModeratorActivity,
  registrationModeInForce,
  reopenRegistrations,
} from "../../../src/domain/accounts/registration-auto-approval.ts";
import type { Context } from "../../../src/domain/context.ts";
import { findToken } from "../../../src/domain/oauth/tokens.ts";
import { createApp } from "../../../src/http/app.ts";
import { eachDatabase } from "../../helpers/databases.ts";
import { createUser, type TestUser } from "../../helpers/users.ts";
import { startFakeSmtp } from "../../http/registration-smtp.ts";

const DAY = 86_400_000;

/** Moves every trace of staff activity (and every account's creation) `days` back. */
async function goQuiet(ctx: Context, days: number) {
  const then = new Date(Date.now() - days * DAY).toISOString();
  const { kysely } = ctx.db;
  await kysely.updateTable("users").set({ created_at: then, last_sign_in_at: then }).execute();
  await kysely.updateTable("oauth_tokens").set({ created_at: then, last_used_at: then }).execute();
  await kysely.deleteFrom("web_sessions").execute();
  await kysely.deleteFrom("settings").where("key", "=", "registrations_reopened_at").execute();
}

const instance = async (ctx: Context) =>
  (await createApp(ctx).request("/api/v2/instance")).json() as Promise<{
    registrations: { enabled: boolean; approval_required: boolean };
  }>;

let n = 0;
const newcomer = () => {
  n += 1;
  return {
    username: `newcomer${n}`,
    email: `newcomer${n}@example.test`,
    password: "a long and unusual passphrase",
    agreement: true,
    reason: "I would like to join",
    ip: null,
  };
};

eachDatabase("switching open registrations to approval", (fixture) => {
  let admin: TestUser;
  let mod: TestUser;
  const ctx = () => fixture().ctx;

  it("leaves a new instance alone, even before it has staff", async () => {
    assert.equal(await checkModeratorActivity(ctx()), false);
    await createUser(ctx(), { username: "early" });
    assert.equal(await checkModeratorActivity(ctx()), false, "the first account is recent");
    admin = await createUser(ctx(), { username: "boss", role: "admin" });
    mod = await createUser(ctx(), { username: "moddy", role: "moderator" });
    assert.equal(await checkModeratorActivity(ctx()), false);
    assert.equal(await registrationModeInForce(ctx()), "open");
  });

  it("does not switch while one moderator was active within the week", async () => {
    await goQuiet(ctx(), 30);
    await ctx()
      .db.kysely.updateTable("users")
      .set({ last_sign_in_at: new Date(Date.now() - 6 * DAY).toISOString() })
      .where("account_id", "=", mod.accountId)
      .execute();
    assert.equal(await checkModeratorActivity(ctx()), false);
    // Using the API counts too: the token's last use is written.
    await goQuiet(ctx(), 30);
    assert.ok(await findToken(ctx(), mod.token));
    assert.equal(await checkModeratorActivity(ctx()), false);
    const last = Date.parse((await lastModeratorActivity(ctx()))!);
    assert.ok(Date.now() - last < 60_000);
  });

  it("switches after a week without staff activity, and new sign-ups wait for approval", async () => {
    await goQuiet(ctx(), 8);
    const beforeSwitch = await signUp(ctx(), newcomer());
    assert.equal(beforeSwitch.approved, true);

    assert.equal(await checkModeratorActivity(ctx()), true);
    assert.equal(await registrationModeInForce(ctx()), "approval");
    assert.deepEqual(
      {
        enabled: (await instance(ctx())).registrations.enabled,
        approval: (await instance(ctx())).registrations.approval_required,
      },
      { enabled: true, approval: true },
    );
    const page = await (await createApp(ctx()).request("/about")).text();
    assert.match(page, /Sign-ups need approval/);
    const signUpPage = await (await createApp(ctx()).request("/auth/sign_up")).text();
    assert.match(signUpPage, /data-mode="approval"/);
    assert.match(signUpPage, /name="reason"/);

    const afterSwitch = await signUp(ctx(), newcomer());
    assert.equal(afterSwitch.approved, false);
    await assert.rejects(
      () => signUp(ctx(), { ...newcomer(), reason: "" }),
      /Reason can't be blank/,
    );
    assert.equal(await checkModeratorActivity(ctx()), false, "switched once");
  });

  it("stays switched when a moderator comes back, until an admin reopens", async () => {
    assert.ok(await findToken(ctx(), admin.token));
    assert.equal(await checkModeratorActivity(ctx()), false);
    assert.equal(await registrationModeInForce(ctx()), "approval");

    assert.equal(await reopenRegistrations(ctx()), true);
    assert.equal(await registrationModeInForce(ctx()), "open");
    assert.equal((await instance(ctx())).registrations.approval_required, false);
    assert.equal(await reopenRegistrations(ctx()), false, "nothing left to undo");
    // Reopening counts as activity: no switch straight back, even with the staff still away.
    await ctx()
      .db.kysely.updateTable("oauth_tokens")
      .set({ last_used_at: new Date(Date.now() - 30 * DAY).toISOString() })
      .execute();
    await ctx()
      .db.kysely.updateTable("users")
      .set({ last_sign_in_at: new Date(Date.now() - 30 * DAY).toISOString() })
      .execute();
    assert.equal(await checkModeratorActivity(ctx()), false);
    assert.equal(await checkModeratorActivity(ctx(), new Date(Date.now() + 8 * DAY)), true);
  });
});

eachDatabase(
  "switching to approval, turned off",
  (fixture) => {
    before(async () => {
      await createUser(fixture().ctx, { role: "admin" });
      await goQuiet(fixture().ctx, 30);
    });
    it("never switches with KITH_REGISTRATIONS_AUTO_APPROVAL=false", async () => {
      assert.equal(await checkModeratorActivity(fixture().ctx), false);
      assert.equal(await registrationModeInForce(fixture().ctx), "open");
    });
    it("only ever switches open registrations", async () => {
      for (const registrations of ["closed", "approval"] as const) {
        const other = {
          ...fixture().ctx,
          config: { ...fixture().ctx.config, registrations, registrationsAutoApproval: true },
        };
        assert.equal(await checkModeratorActivity(other), false);
        assert.equal(await registrationModeInForce(other), registrations);
      }
    });
  },
  { env: { KITH_REGISTRATIONS_AUTO_APPROVAL: "false" } },
);

const smtp = await startFakeSmtp();
after(() => smtp.close());

eachDatabase(
  "switching to approval tells the admins",
  (fixture) => {
    it("mails every admin, not moderators", async () => {
      const boss = await createUser(fixture().ctx, {
        username: `mailboss${fixture().kind}`,
        role: "admin",
      });
      const moddy = await createUser(fixture().ctx, {
        username: `mailmod${fixture().kind}`,
        role: "moderator",
      });
      await goQuiet(fixture().ctx, 10);
      assert.equal(await checkModeratorActivity(fixture().ctx), true);
      const mail = await smtp.waitFor(`${boss.username}@example.test`);
      assert.match(mail, /Subject: Sign-ups on Kith now need approval/);
      assert.match(mail, /kith registrations reopen/);
      assert.ok(!smtp.messages.some((m) => m.to.includes(`${moddy.username}@example.test`)));
    });
  },
  { env: { KITH_SMTP_URL: `smtp://127.0.0.1:${smtp.port}` } },
);
