// `kith invites create|list|revoke` as a child process, on both databases, against a running
// server with closed registrations on the same database: the printed sign-up link fills the
// code in, the code lets people sign up until its uses run out or it is revoked, and mistakes
// get exit code 1 (refused) or 2 (called wrongly).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Kith, startKith } from "../../src/main.ts";
import { runKith } from "../helpers/cli.ts";
import {
  createThrowawayDatabase,
  POSTGRES_ADMIN_URL,
  POSTGRES_SKIP_REASON,
  type ThrowawayDatabase,
  testConfig,
} from "../helpers/databases.ts";
import { freePort } from "../helpers/server.ts";
import { api, createUser } from "../helpers/users.ts";
import { Browser, formWithAction } from "../http/oauth-forms.ts";

const PASSWORD = "a long and unusual passphrase";

interface Created {
  code: string;
  url: string;
}

function parseCreated(stdout: string): Created {
  const code = /^Invite code: (\S+)$/m.exec(stdout)?.[1];
  const url = /^Sign-up URL: (\S+)$/m.exec(stdout)?.[1];
  assert.ok(code && url, stdout);
  return { code, url };
}

for (const kind of ["sqlite", "postgres"] as const) {
  const skip = kind === "postgres" && !POSTGRES_ADMIN_URL ? POSTGRES_SKIP_REASON : false;
  describe(`kith invites [${kind}]`, { skip }, () => {
    let db: ThrowawayDatabase;
    let kith: Kith;
    let origin: string;
    let appToken: string;
    let env: Record<string, string>;

    before(async () => {
      db = await createThrowawayDatabase(kind);
      const port = await freePort();
      origin = `http://127.0.0.1:${port}`;
      env = { ...db.env, KITH_ORIGIN: origin, KITH_DEV_MODE: "true" };
      kith = await startKith(
        testConfig({ ...env, HOST: "127.0.0.1", PORT: String(port), KITH_REGISTRATIONS: "closed" }),
        { web: true, worker: true },
      );
      const app = await api(origin, "POST", "/api/v1/apps", {
        body: {
          client_name: "Invites",
          redirect_uris: "urn:ietf:wg:oauth:2.0:oob",
          scopes: "read write",
        },
      });
      const token = await api(origin, "POST", "/oauth/token", {
        form: {
          grant_type: "client_credentials",
          client_id: app.json.client_id,
          client_secret: app.json.client_secret,
          scope: "read write",
        },
      });
      assert.equal(token.status, 200);
      appToken = token.json.access_token;
    });
    after(async () => {
      await kith?.stop();
      await db?.drop();
    });

    const invites = (...args: string[]) => runKith(["invites", ...args], env);
    const signUpApi = (username: string, inviteCode?: string) =>
      api(origin, "POST", "/api/v1/accounts", {
        token: appToken,
        body: {
          username,
          email: `${username}@example.test`,
          password: PASSWORD,
          agreement: true,
          locale: "en",
          ...(inviteCode !== undefined ? { invite_code: inviteCode } : {}),
        },
      });
    const listed = async () => {
      const r = await invites("list");
      assert.equal(r.code, 0, r.stderr);
      return new Map(
        r.stdout
          .trim()
          .split("\n")
          .filter((l) => l !== "")
          .map((l) => {
            const [code, ...rest] = l.split("\t");
            return [code!, rest] as const;
          }),
      );
    };

    it("starts with no invites, and closed registrations refuse everyone", async () => {
      const empty = await invites("list");
      assert.equal(empty.code, 0, empty.stderr);
      assert.equal(empty.stdout, "");
      assert.match(empty.stderr, /No invites yet/);
      assert.equal((await signUpApi("nocode")).status, 403);
    });

    it("makes a code whose link signs people up until its uses run out", async () => {
      await createUser(kith.ctx, { username: "boss", role: "admin" });
      const r = await invites("create", "--max-uses", "2", "--expires-in", "24", "--by", "@boss");
      assert.equal(r.code, 0, r.stderr);
      const { code, url } = parseCreated(r.stdout);
      assert.equal(url, `${origin}/auth/sign_up?invite_code=${code}`);
      assert.match(r.stdout, /^Uses: 2; expires: \d{4}-\d\d-\d\dT/m);

      // First use: a browser follows the printed link; the form has the code filled in.
      const browser = new Browser(origin);
      const page = await browser.get(url);
      assert.equal(page.status, 200);
      const form = formWithAction(page.text, "/auth/sign_up");
      assert.equal(form.fields.invite_code, code);
      const signedUp = await browser.submit(form, {
        username: "firstguest",
        email: "firstguest@example.test",
        password: PASSWORD,
        password_confirmation: PASSWORD,
        agreement: "1",
      });
      assert.equal(signedUp.status, 303, signedUp.text.slice(0, 500));

      // Second use through the API; the third is refused and leaves no account.
      const second = await signUpApi("secondguest", code);
      assert.equal(second.status, 200, JSON.stringify(second.json));
      const third = await signUpApi("thirdguest", code);
      assert.equal(third.status, 403);
      assert.match(third.json.error, /invalid, used up or expired/);
      const users = await kith.ctx.db.kysely
        .selectFrom("users")
        .innerJoin("accounts", "accounts.id", "users.account_id")
        .innerJoin("invites", "invites.id", "users.invite_id")
        .select("accounts.username")
        .where("invites.code", "=", code)
        .orderBy("accounts.username")
        .execute();
      assert.deepEqual(
        users.map((u) => u.username),
        ["firstguest", "secondguest"],
      );

      const row = (await listed()).get(code);
      assert.ok(row, "listed");
      const [uses, expires, by, state] = row;
      assert.equal(uses, "2/2");
      const hours = (Date.parse(expires!) - Date.now()) / 3_600_000;
      assert.ok(hours > 23 && hours <= 24, String(expires));
      assert.equal(by, "@boss");
      assert.equal(state, "used up");
    });

    it("revokes a code: it stops working at once", async () => {
      const r = await invites("create");
      assert.equal(r.code, 0, r.stderr);
      const { code } = parseCreated(r.stdout);
      assert.match(r.stdout, /^Uses: unlimited; expires: never$/m);
      assert.deepEqual((await listed()).get(code), ["0/unlimited", "never", "-", "usable"]);
      assert.equal((await signUpApi("beforerevoke", code)).status, 200);

      const revoked = await invites("revoke", code);
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.equal(revoked.stdout, `Revoked invite ${code}.\n`);
      const refused = await signUpApi("afterrevoke", code);
      assert.equal(refused.status, 403);
      const [uses, , , state] = (await listed()).get(code)!;
      assert.deepEqual([uses, state], ["1/unlimited", "expired"]);

      const again = await invites("revoke", code);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /already expired/);
      const unknown = await invites("revoke", "nosuchcode");
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /Record not found/);
    });

    it("refuses an unknown account with exit code 1 and makes nothing", async () => {
      const before = (await listed()).size;
      const nobody = await invites("create", "--by", "nobody");
      assert.equal(nobody.code, 1);
      assert.equal(nobody.stderr, "kith: Record not found\n");
      assert.equal((await listed()).size, before);
    });
  });
}

// Usage errors are caught before the database is opened, so one pass covers them.
describe("kith invites: help and usage errors", () => {
  it("prints help for the group and every sub-command", async () => {
    for (const args of [["--help"], ["create", "--help"], ["list", "-h"], ["revoke", "--help"]]) {
      const r = await runKith(["invites", ...args]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /kith invites/);
    }
    const top = await runKith(["--help"]);
    assert.match(top.stdout, /invites\s+Manage invite codes/);
  });

  it("refuses bad options and arguments with exit code 2 and one line", async () => {
    for (const args of [
      ["create", "--max-uses", "0"],
      ["create", "--max-uses", "1.5"],
      ["create", "--max-uses", "many"],
      ["create", "--expires-in", "-2"],
      ["create", "--expires-in", "Infinity"],
      ["create", "--by", "@"],
      ["create", "--bogus"],
      ["list", "extra"],
      ["revoke"],
      ["frobnicate"],
    ]) {
      const r = await runKith(["invites", ...args]);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.match(r.stderr, /^kith: .*\(see kith --help\)$/m);
    }
    const bare = await runKith(["invites"]);
    assert.equal(bare.code, 2);
    assert.match(bare.stdout, /kith invites COMMAND/);
  });
});
