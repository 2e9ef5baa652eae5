// The server-rendered sign-up, sign-in and sign-out pages, the shared layout, web sessions with
// CSRF protection, and personal access tokens on /settings/applications, used as a browser does.
import assert from "node:assert/strict";
import { it } from "node:test";
import { createLocalAccount } from "../../src/domain/accounts/admin.ts";
import { createInvite } from "../../src/domain/accounts/registration-invites.ts";
import { eachServer } from "../helpers/server.ts";
import { api } from "../helpers/users.ts";
import { Browser, formWithAction } from "./oauth-forms.ts";

const PASSWORD = "a long and unusual passphrase";
const LIMITS = { KITH_RATE_LIMIT_SIGN_UPS: "1000" };

async function signUp(browser: Browser, values: Record<string, string>) {
  const page = await browser.get("/auth/sign_up");
  assert.equal(page.status, 200);
  const form = formWithAction(page.text, "/auth/sign_up");
  return browser.submit(form, {
    password: PASSWORD,
    password_confirmation: PASSWORD,
    agreement: "1",
    ...values,
  });
}

eachServer(
  "Pages: sign-up, sign-in, sessions",
  (server) => {
    it("renders the shared layout: title, description, OpenGraph, nav and safe headers", async () => {
      const browser = new Browser(server().url);
      const page = await browser.get("/auth/sign_in");
      assert.equal(page.status, 200);
      assert.match(page.headers.get("Content-Type") ?? "", /^text\/html/);
      assert.match(page.text, /<title>Sign in - Kith<\/title>/);
      assert.match(page.text, /<meta name="description" content="[^"]+"/);
      assert.match(page.text, /<meta property="og:title" content="Sign in - Kith"/);
      assert.match(page.text, /<meta property="og:site_name" content="Kith"/);
      assert.match(page.text, /href="\/auth\/sign_up"/);
      assert.doesNotMatch(page.text, /<script/i);
      assert.equal(page.headers.get("X-Frame-Options"), "DENY");
      assert.match(page.headers.get("Content-Security-Policy") ?? "", /default-src 'none'/);
      assert.ok(browser.cookies.has("kith_csrf"), "an anonymous CSRF cookie is set before sign-in");
    });

    it("signs up through the form, signs in and out, and ends the session on the server", async () => {
      const browser = new Browser(server().url);
      const page = await browser.get("/auth/sign_up");
      assert.match(page.text, /data-mode="open"/);
      assert.doesNotMatch(page.text, /name="reason"/);
      const done = await signUp(browser, { username: "webby", email: "webby@example.test" });
      assert.equal(done.status, 303, done.text);
      assert.equal(done.location, "/settings/applications");
      const sessionCookie = browser.cookies.get("kith_session");
      assert.ok(sessionCookie);
      const settings = await browser.get("/settings/applications");
      assert.equal(settings.status, 200);
      assert.match(settings.text, /@webby/);

      const signOut = await browser.submit(formWithAction(settings.text, "/auth/sign_out"));
      assert.equal(signOut.status, 303);
      assert.equal(browser.cookies.has("kith_session"), false);
      assert.equal((await browser.get("/settings/applications")).status, 303);
      // The old cookie is worthless: the session row is gone.
      const replay = new Browser(server().url);
      replay.cookies.set("kith_session", sessionCookie);
      assert.equal((await replay.get("/settings/applications")).status, 303);

      const signInPage = await browser.get("/auth/sign_in");
      const form = formWithAction(signInPage.text, "/auth/sign_in");
      const wrong = await browser.submit(form, {
        email: "webby@example.test",
        password: "wrong password!",
      });
      assert.equal(wrong.status, 401);
      assert.match(wrong.text, /Invalid e-mail address or password/);
      const right = await browser.submit(formWithAction(wrong.text, "/auth/sign_in"), {
        email: "WEBBY@example.test",
        password: PASSWORD,
      });
      assert.equal(right.status, 303);
      assert.equal((await browser.get("/settings/applications")).status, 200);
    });

    it("refuses forms without the CSRF token, and other hosts as return_to", async () => {
      await createLocalAccount(server().kith.ctx, {
        username: "csrfy",
        email: "csrfy@example.test",
        password: PASSWORD,
      });
      const browser = new Browser(server().url);
      const page = await browser.get("/auth/sign_in");
      const form = formWithAction(page.text, "/auth/sign_in");
      const forged = await browser.submit(form, {
        authenticity_token: "x",
        email: "csrfy@example.test",
        password: PASSWORD,
      });
      assert.equal(forged.status, 403);
      assert.equal(browser.cookies.has("kith_session"), false);
      const fromElsewhere = new Browser(server().url);
      const noCookie = await fromElsewhere.post("/auth/sign_in", {
        authenticity_token: form.fields.authenticity_token!,
        email: "csrfy@example.test",
        password: PASSWORD,
      });
      assert.equal(noCookie.status, 403, "a token from another browser's cookie is refused");
      for (const target of ["//evil.example/x", "https://evil.example/", "/\\evil.example"]) {
        // Each in a fresh browser: after signing in, CSRF tokens are bound to the new session.
        const fresh = new Browser(server().url);
        const freshForm = formWithAction((await fresh.get("/auth/sign_in")).text, "/auth/sign_in");
        const r = await fresh.submit(freshForm, {
          email: "csrfy@example.test",
          password: PASSWORD,
          return_to: target,
        });
        assert.equal(r.status, 303);
        assert.equal(r.location, "/settings/applications", target);
      }
      const signUpForged = await new Browser(server().url).post("/auth/sign_up", {
        username: "forged",
        email: "forged@example.test",
        password: PASSWORD,
        password_confirmation: PASSWORD,
        agreement: "1",
      });
      assert.equal(signUpForged.status, 403);
    });

    it("shows sign-up errors next to the fields, escaping what was typed", async () => {
      const browser = new Browser(server().url);
      const r = await signUp(browser, {
        username: "<script>alert(1)</script>",
        email: "<script>@x",
        agreement: "",
      });
      assert.equal(r.status, 422);
      assert.doesNotMatch(r.text, /<script>alert/);
      assert.match(r.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
      assert.match(r.text, /id="username-error"/);
      assert.match(r.text, /id="email-error"/);
      assert.match(r.text, /id="agreement-error"/);
      const mismatch = await signUp(browser, {
        username: "mismatch",
        email: "mm@example.test",
        password_confirmation: "other one entirely",
      });
      assert.equal(mismatch.status, 422);
      assert.match(mismatch.text, /doesn(&#39;|')t match/);
    });

    it("makes personal access tokens on /settings/applications, shown once, deletable", async () => {
      const browser = new Browser(server().url);
      await signUp(browser, { username: "tokens", email: "tokens@example.test" });
      const page = await browser.get("/settings/applications");
      assert.match(page.text, /You have no applications/);
      const form = formWithAction(page.text, "/settings/applications");
      const created = await browser.submit(form, {
        name: "My <b>script</b>",
        "scopes[]": ["read", "profile"],
      });
      assert.equal(created.status, 200);
      assert.match(created.text, /My &lt;b&gt;script&lt;\/b&gt; is ready/);
      const token = /id="access-token">([^<]+)</.exec(created.text)?.[1];
      assert.ok(token);
      const me = await api(server().url, "GET", "/oauth/userinfo", { token });
      assert.equal(me.status, 200);
      assert.equal(me.json.preferred_username, "tokens");
      const app = await api(server().url, "GET", "/api/v1/apps/verify_credentials", { token });
      assert.deepEqual(app.json.scopes, ["read", "profile"]);

      const again = await browser.get("/settings/applications");
      assert.doesNotMatch(again.text, new RegExp(token));
      assert.match(again.text, /id="applications"/);
      const bad = await browser.submit(formWithAction(again.text, "/settings/applications"), {
        name: "",
        "scopes[]": [],
      });
      assert.equal(bad.status, 422);

      const remove = formWithAction(again.text, /\/settings\/applications\/\d+\/delete/);
      const deleted = await browser.submit(remove);
      assert.equal(deleted.status, 303);
      assert.equal((await api(server().url, "GET", "/oauth/userinfo", { token })).status, 401);
      // Someone else cannot delete another user's application.
      const other = new Browser(server().url);
      await signUp(other, { username: "other", email: "other@example.test" });
      const otherPage = await other.get("/settings/applications");
      const mine = await browser.submit(
        formWithAction(
          (await browser.get("/settings/applications")).text,
          "/settings/applications",
        ),
        { name: "Keep", "scopes[]": ["read"] },
      );
      const keepId = /\/settings\/applications\/(\d+)\/delete/.exec(mine.text)?.[1];
      const csrf = formWithAction(otherPage.text, "/settings/applications").fields
        .authenticity_token!;
      const stolen = await other.post(`/settings/applications/${keepId}/delete`, {
        authenticity_token: csrf,
      });
      assert.equal(stolen.status, 404);
    });

    it("sends visitors who are not signed in to the sign-in page", async () => {
      const r = await new Browser(server().url).get("/settings/applications");
      assert.equal(r.status, 303);
      assert.equal(r.location, "/auth/sign_in?return_to=%2Fsettings%2Fapplications");
    });
  },
  { env: LIMITS },
);

eachServer(
  "Pages: sign-up under review",
  (server) => {
    it("asks for a reason, and leaves the account pending", async () => {
      const browser = new Browser(server().url);
      const page = await browser.get("/auth/sign_up");
      assert.match(page.text, /data-mode="approval"/);
      assert.match(page.text, /name="reason"/);
      const noReason = await signUp(browser, {
        username: "hopeful",
        email: "hopeful@example.test",
      });
      assert.equal(noReason.status, 422);
      assert.match(noReason.text, /can(&#39;|')t be blank/);
      const r = await signUp(browser, {
        username: "hopeful",
        email: "hopeful@example.test",
        reason: "Knitting.",
      });
      assert.equal(r.status, 200);
      assert.match(r.text, /waiting for a moderator/);
      assert.equal(browser.cookies.has("kith_session"), false);
      const signIn = formWithAction((await browser.get("/auth/sign_in")).text, "/auth/sign_in");
      const pending = await browser.submit(signIn, {
        email: "hopeful@example.test",
        password: PASSWORD,
      });
      assert.equal(pending.status, 403);
      assert.match(pending.text, /pending approval/);
    });
  },
  { env: { ...LIMITS, KITH_REGISTRATIONS: "approval" } },
);

eachServer(
  "Pages: invite-only sign-up",
  (server) => {
    it("takes the invite code from the link", async () => {
      const invite = await createInvite(server().kith.ctx, { maxUses: 1 });
      const browser = new Browser(server().url);
      const closed = await browser.get("/auth/sign_up");
      assert.match(closed.text, /data-mode="closed"/);
      const refused = await signUp(browser, {
        username: "uninvited",
        email: "uninvited@example.test",
      });
      assert.equal(refused.status, 403);
      const page = await browser.get(`/auth/sign_up?invite_code=${invite.code}`);
      const form = formWithAction(page.text, "/auth/sign_up");
      assert.equal(form.fields.invite_code, invite.code);
      const r = await browser.submit(form, {
        username: "invited",
        email: "invited@example.test",
        password: PASSWORD,
        password_confirmation: PASSWORD,
        agreement: "1",
      });
      assert.equal(r.status, 303, r.text);
    });
  },
  { env: { ...LIMITS, KITH_REGISTRATIONS: "closed" } },
);
