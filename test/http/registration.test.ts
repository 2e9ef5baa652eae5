// Sign-up through POST /api/v1/accounts in each registration mode: open, approval (with the
// moderators' notifications and the pending-approval 403) and closed (invite codes with uses
// and expiry), plus e-mail confirmation over SMTP.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { approve, createLocalAccount } from "../../src/domain/accounts/admin.ts";
import { createInvite } from "../../src/domain/accounts/registration-invites.ts";
import { eachServer, type TestServer } from "../helpers/server.ts";
import { api } from "../helpers/users.ts";
import { startFakeSmtp } from "./registration-smtp.ts";

const PASSWORD = "a long and unusual passphrase";
const LIMITS = { KITH_RATE_LIMIT_SIGN_UPS: "1000" };

/** An app token as a client gets one before signing a user up. */
async function appToken(server: TestServer, scopes = "read write follow push profile") {
  const app = await api(server.url, "POST", "/api/v1/apps", {
    body: { client_name: "Sign-up client", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes },
  });
  const token = await api(server.url, "POST", "/oauth/token", {
    form: {
      grant_type: "client_credentials",
      client_id: app.json.client_id,
      client_secret: app.json.client_secret,
      scope: "read write",
    },
  });
  assert.equal(token.status, 200);
  return token.json.access_token as string;
}

let counter = 0;
const person = (extra: Record<string, unknown> = {}) => {
  counter += 1;
  const username = `person${counter}`;
  return {
    username,
    email: `${username}@example.test`,
    password: PASSWORD,
    agreement: true,
    locale: "en",
    ...extra,
  };
};

async function staffNotifications(server: TestServer, staffId: string, fromId: string) {
  const rows = await server.kith.ctx.db.kysely
    .selectFrom("notifications")
    .select("id")
    .where("account_id", "=", staffId)
    .where("from_account_id", "=", fromId)
    .where("type", "=", "admin.sign_up")
    .execute();
  return rows.length;
}

async function accountIdOf(server: TestServer, username: string) {
  const row = await server.kith.ctx.db.kysely
    .selectFrom("accounts")
    .innerJoin("users", "users.account_id", "accounts.id")
    .select([
      "accounts.id",
      "users.approved",
      "users.confirmed_at",
      "users.sign_up_reason",
      "users.invite_id",
      "users.sign_up_ip",
    ])
    .where("username", "=", username)
    .executeTakeFirstOrThrow();
  return row;
}

eachServer(
  "Sign-up, open registrations",
  (server) => {
    let token: string;
    let admin: { accountId: string };
    before(async () => {
      token = await appToken(server());
      admin = await createLocalAccount(server().kith.ctx, {
        username: "boss",
        email: "boss@example.test",
        password: PASSWORD,
        role: "admin",
      });
    });

    it("creates a usable account and answers with a Token carrying the app's scopes", async () => {
      const p = person();
      const r = await api(server().url, "POST", "/api/v1/accounts", { token, body: p });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.token_type, "Bearer");
      assert.equal(r.json.scope, "read write follow push profile");
      assert.equal(typeof r.json.created_at, "number");
      const me = await api(server().url, "GET", "/oauth/userinfo", { token: r.json.access_token });
      assert.equal(me.status, 200);
      assert.equal(me.json.preferred_username, p.username);
      const row = await accountIdOf(server(), p.username);
      assert.equal(row.approved, 1);
      assert.ok(row.confirmed_at, "without SMTP the address counts as confirmed at once");
      assert.equal(row.sign_up_ip, "127.0.0.1");
      assert.equal(await staffNotifications(server(), admin.accountId, row.id), 1);
    });

    it("accepts form-encoded sign-ups with agreement=1", async () => {
      const p = person();
      const r = await api(server().url, "POST", "/api/v1/accounts", {
        token,
        form: { username: p.username, email: p.email, password: PASSWORD, agreement: "1" },
      });
      assert.equal(r.status, 200, JSON.stringify(r.json));
    });

    it("answers invalid fields with 422 and Mastodon's details", async () => {
      const r = await api(server().url, "POST", "/api/v1/accounts", {
        token,
        body: {
          username: "",
          email: "not-an-email",
          password: "short",
          agreement: false,
          locale: "!!",
        },
      });
      assert.equal(r.status, 422);
      assert.match(r.json.error, /^Validation failed: /);
      assert.equal(r.json.details.username[0].error, "ERR_BLANK");
      assert.equal(r.json.details.email[0].error, "ERR_INVALID");
      assert.equal(r.json.details.password[0].error, "ERR_TOO_SHORT");
      assert.equal(r.json.details.agreement[0].error, "ERR_ACCEPTED");
      assert.equal(r.json.details.locale[0].error, "ERR_INCLUSION");
      const reserved = await api(server().url, "POST", "/api/v1/accounts", {
        token,
        body: person({ username: "admin" }),
      });
      assert.equal(reserved.json.details.username[0].error, "ERR_RESERVED");
      const bogusInvite = await api(server().url, "POST", "/api/v1/accounts", {
        token,
        body: person({ invite_code: "nope" }),
      });
      assert.equal(bogusInvite.status, 422);
      assert.equal(bogusInvite.json.details.invite_code[0].error, "ERR_INVALID");
    });

    it("refuses a taken username or e-mail address (ignoring case) with ERR_TAKEN", async () => {
      const p = person();
      assert.equal(
        (await api(server().url, "POST", "/api/v1/accounts", { token, body: p })).status,
        200,
      );
      const sameName = await api(server().url, "POST", "/api/v1/accounts", {
        token,
        body: person({ username: p.username.toUpperCase() }),
      });
      assert.equal(sameName.status, 422);
      assert.equal(sameName.json.details.username[0].error, "ERR_TAKEN");
      const sameMail = await api(server().url, "POST", "/api/v1/accounts", {
        token,
        body: person({ email: p.email.toUpperCase() }),
      });
      assert.equal(sameMail.json.details.email[0].error, "ERR_TAKEN");
    });

    it("needs a token with write:accounts", async () => {
      const none = await api(server().url, "POST", "/api/v1/accounts", { body: person() });
      assert.equal(none.status, 401);
      const app = await api(server().url, "POST", "/api/v1/apps", {
        body: { client_name: "Reader", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read" },
      });
      const readToken = await api(server().url, "POST", "/oauth/token", {
        form: {
          grant_type: "client_credentials",
          client_id: app.json.client_id,
          client_secret: app.json.client_secret,
        },
      });
      assert.equal(readToken.json.scope, "read");
      const r = await api(server().url, "POST", "/api/v1/accounts", {
        token: readToken.json.access_token,
        body: person(),
      });
      assert.equal(r.status, 403);
      assert.equal(r.json.error, "This action is outside the authorized scopes");
    });
  },
  { env: LIMITS },
);

eachServer(
  "Sign-up, approval required",
  (server) => {
    let token: string;
    let moderator: { accountId: string };
    before(async () => {
      token = await appToken(server());
      moderator = await createLocalAccount(server().kith.ctx, {
        username: "mod1",
        email: "mod1@example.test",
        password: PASSWORD,
        role: "moderator",
      });
    });

    it("asks for a reason", async () => {
      const r = await api(server().url, "POST", "/api/v1/accounts", { token, body: person() });
      assert.equal(r.status, 422);
      assert.equal(r.json.details.reason[0].error, "ERR_BLANK");
      const long = await api(server().url, "POST", "/api/v1/accounts", {
        token,
        body: person({ reason: "x".repeat(421) }),
      });
      assert.equal(long.json.details.reason[0].error, "ERR_TOO_LONG");
    });

    it("keeps the account pending until a moderator approves it", async () => {
      const p = person({ reason: "I knit <b>socks</b>" });
      const r = await api(server().url, "POST", "/api/v1/accounts", { token, body: p });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const pending = await api(server().url, "GET", "/oauth/userinfo", {
        token: r.json.access_token,
      });
      assert.equal(pending.status, 403);
      assert.equal(pending.json.error, "Your login is currently pending approval");
      const row = await accountIdOf(server(), p.username);
      assert.equal(row.approved, 0);
      assert.equal(row.sign_up_reason, "I knit <b>socks</b>");
      assert.equal(await staffNotifications(server(), moderator.accountId, row.id), 1);
      await approve(server().kith.ctx, p.username);
      const approved = await api(server().url, "GET", "/oauth/userinfo", {
        token: r.json.access_token,
      });
      assert.equal(approved.status, 200);
    });

    it("lets a valid invite skip the queue, without a reason", async () => {
      const invite = await createInvite(server().kith.ctx, { maxUses: 5 });
      const p = person({ invite_code: invite.code });
      const r = await api(server().url, "POST", "/api/v1/accounts", { token, body: p });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(
        (await api(server().url, "GET", "/oauth/userinfo", { token: r.json.access_token })).status,
        200,
      );
      const row = await accountIdOf(server(), p.username);
      assert.equal(row.approved, 1);
      assert.equal(row.invite_id, invite.id);
    });
  },
  { env: { ...LIMITS, KITH_REGISTRATIONS: "approval" } },
);

eachServer(
  "Sign-up, closed registrations",
  (server) => {
    let token: string;
    before(async () => {
      token = await appToken(server());
    });

    const uses = async (id: string) =>
      (
        await server()
          .kith.ctx.db.kysely.selectFrom("invites")
          .select("uses")
          .where("id", "=", id)
          .executeTakeFirstOrThrow()
      ).uses;

    it("refuses sign-ups without a valid invite code with 403", async () => {
      const none = await api(server().url, "POST", "/api/v1/accounts", { token, body: person() });
      assert.equal(none.status, 403);
      assert.match(none.json.error, /closed/);
      const bogus = await api(server().url, "POST", "/api/v1/accounts", {
        token,
        body: person({ invite_code: "bogus" }),
      });
      assert.equal(bogus.status, 403);
      const count = await server()
        .kith.ctx.db.kysely.selectFrom("users")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 0);
    });

    it("accepts an invite until its uses run out", async () => {
      const invite = await createInvite(server().kith.ctx, { maxUses: 1 });
      const first = await api(server().url, "POST", "/api/v1/accounts", {
        token,
        body: person({ invite_code: invite.code }),
      });
      assert.equal(first.status, 200, JSON.stringify(first.json));
      assert.equal(await uses(invite.id), 1);
      const second = await api(server().url, "POST", "/api/v1/accounts", {
        token,
        body: person({ invite_code: invite.code }),
      });
      assert.equal(second.status, 403);
      assert.equal(await uses(invite.id), 1);
    });

    it("does not count an invite for a sign-up that fails validation", async () => {
      const invite = await createInvite(server().kith.ctx, { maxUses: 1 });
      const bad = await api(server().url, "POST", "/api/v1/accounts", {
        token,
        body: person({ invite_code: invite.code, password: "x" }),
      });
      assert.equal(bad.status, 422);
      assert.equal(await uses(invite.id), 0);
    });

    it("refuses an expired invite", async () => {
      const invite = await createInvite(server().kith.ctx, {
        expiresAt: new Date(Date.now() - 1000),
      });
      const r = await api(server().url, "POST", "/api/v1/accounts", {
        token,
        body: person({ invite_code: invite.code }),
      });
      assert.equal(r.status, 403);
      const fresh = await createInvite(server().kith.ctx, {
        expiresAt: new Date(Date.now() + 3600_000),
      });
      const ok = await api(server().url, "POST", "/api/v1/accounts", {
        token,
        body: person({ invite_code: fresh.code }),
      });
      assert.equal(ok.status, 200);
    });
  },
  { env: { ...LIMITS, KITH_REGISTRATIONS: "closed" } },
);

const smtp = await startFakeSmtp();
after(() => smtp.close());

eachServer(
  "Sign-up with e-mail confirmation",
  (server) => {
    let token: string;
    before(async () => {
      token = await appToken(server());
    });

    it("keeps the account unusable until the e-mailed link is followed", async () => {
      const p = person({ email: `confirm-${server().kind}@example.test` });
      const r = await api(server().url, "POST", "/api/v1/accounts", { token, body: p });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const before = await api(server().url, "GET", "/oauth/userinfo", {
        token: r.json.access_token,
      });
      assert.equal(before.status, 403);
      assert.equal(before.json.error, "Your login is missing a confirmed e-mail address");

      const mail = await smtp.waitFor(p.email);
      assert.match(mail, /From: .*kith@example\.test/);
      const link = new RegExp(
        `${server().url}/auth/confirmation\\?confirmation_token=[A-Za-z0-9_%-]+`,
      ).exec(mail)?.[0];
      assert.ok(link, mail);
      const wrong = await fetch(`${server().url}/auth/confirmation?confirmation_token=wrong`);
      assert.equal(wrong.status, 404);
      const confirm = await fetch(link);
      assert.equal(confirm.status, 200);
      assert.match(await confirm.text(), /confirmed/);
      const afterwards = await api(server().url, "GET", "/oauth/userinfo", {
        token: r.json.access_token,
      });
      assert.equal(afterwards.status, 200);
      const again = await fetch(link);
      assert.equal(again.status, 404);
    });

    it("sends the link again, to a corrected address if asked, and tells when it is confirmed", async () => {
      const base = server().url;
      const p = person({ email: `typo-${server().kind}@example.test` });
      const r = await api(base, "POST", "/api/v1/accounts", { token, body: p });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const userToken = r.json.access_token as string;
      // waitFor gives the mail decoded already.
      const linkIn = (mail: string) =>
        new RegExp(`${base}/auth/confirmation\\?confirmation_token=[A-Za-z0-9_%-]+`).exec(
          mail,
        )?.[0];
      const first = linkIn(await smtp.waitFor(p.email));
      assert.ok(first);

      const check = () =>
        api(base, "GET", "/api/v1/emails/check_confirmation", { token: userToken });
      assert.equal((await check()).status, 200);
      assert.equal((await check()).json, false);
      const resend = (body: Record<string, unknown> = {}, as = userToken) =>
        api(base, "POST", "/api/v1/emails/confirmations", { token: as, body });
      assert.equal((await resend({}, "not-a-token")).status, 401);
      assert.equal((await resend({}, token)).status, 401, "an app token has no user");

      // A wrong or taken address is refused as at sign-up, and changes nothing.
      const bad = await resend({ email: "not-an-email" });
      assert.equal(bad.status, 422);
      assert.equal(bad.json.details.email[0].error, "ERR_INVALID");
      const other = person();
      assert.equal(
        (await api(base, "POST", "/api/v1/accounts", { token, body: other })).status,
        200,
      );
      const taken = await resend({ email: other.email.toUpperCase() });
      assert.equal(taken.status, 422, JSON.stringify(taken.json));
      assert.equal(taken.json.details.email[0].error, "ERR_TAKEN");

      const fixed = `fixed-${server().kind}@example.test`;
      const again = await resend({ email: fixed });
      assert.equal(again.status, 200);
      assert.deepEqual(again.json, {});
      const second = linkIn(await smtp.waitFor(fixed));
      assert.ok(second);
      assert.notEqual(second, first);
      assert.equal((await fetch(first)).status, 404, "the old link no longer works");
      assert.equal((await fetch(second)).status, 200);
      assert.equal((await check()).json, true);
      const row = await server()
        .kith.ctx.db.kysely.selectFrom("users")
        .select("email")
        .where("email", "=", fixed)
        .executeTakeFirst();
      assert.ok(row, "the corrected address is the user's");

      const late = await resend();
      assert.equal(late.status, 403);
      assert.equal(
        late.json.error,
        "This method is only available while the e-mail is awaiting confirmation",
      );
      const signedIn = await api(base, "GET", "/oauth/userinfo", { token: userToken });
      assert.equal(signedIn.status, 200);
    });
  },
  {
    env: {
      ...LIMITS,
      KITH_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      KITH_SMTP_FROM: "Kith <kith@example.test>",
    },
  },
);
