// `kith accounts token USERNAME [--scopes …]`: prints a bearer token that works for that account,
// on both databases, run as the real command.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openDatabase } from "../../src/db/database.ts";
import { findToken } from "../../src/domain/oauth/tokens.ts";
import { runKith } from "../helpers/cli.ts";
import {
  createThrowawayDatabase,
  POSTGRES_ADMIN_URL,
  POSTGRES_SKIP_REASON,
  type ThrowawayDatabase,
  testConfig,
} from "../helpers/databases.ts";

it("kith accounts token --help prints usage", async () => {
  const r = await runKith(["accounts", "token", "--help"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /kith accounts token USERNAME \[--scopes/);
  const list = await runKith(["accounts", "--help"]);
  assert.match(list.stdout, /token/);
});

for (const kind of ["sqlite", "postgres"] as const) {
  const skip = kind === "postgres" && !POSTGRES_ADMIN_URL ? POSTGRES_SKIP_REASON : false;
  describe(`kith accounts token [${kind}]`, { skip }, () => {
    let throwaway: ThrowawayDatabase;
    before(async () => {
      throwaway = await createThrowawayDatabase(kind);
      const created = await runKith(
        ["accounts", "create", "cli_user", "--email", "cli@example.test"],
        throwaway.env,
      );
      assert.equal(created.code, 0, created.stderr);
    });
    after(async () => {
      await throwaway.drop();
    });

    async function grantOf(token: string) {
      const config = testConfig(throwaway.env);
      const db = await openDatabase(config.database);
      try {
        return await findToken({ config, db }, token);
      } finally {
        await db.close();
      }
    }

    it("prints a token with the default scopes", async () => {
      const r = await runKith(["accounts", "token", "cli_user"], throwaway.env);
      assert.equal(r.code, 0, r.stderr);
      const token = r.stdout.trim();
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      const grant = await grantOf(token);
      assert.ok(grant?.accountId);
      assert.deepEqual(grant.scopes, ["read", "write", "follow", "push"]);
      assert.ok(
        grant.applicationId,
        "the token belongs to a personal application the user can delete",
      );
    });

    it("takes --scopes", async () => {
      const r = await runKith(
        ["accounts", "token", "CLI_USER", "--scopes", "read:statuses profile"],
        throwaway.env,
      );
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual((await grantOf(r.stdout.trim()))?.scopes, ["read:statuses", "profile"]);
    });

    it("refuses unknown scopes (exit 2) and unknown accounts (exit 1), printing no token", async () => {
      const scope = await runKith(
        ["accounts", "token", "cli_user", "--scopes", "read sudo"],
        throwaway.env,
      );
      assert.equal(scope.code, 2);
      assert.match(scope.stderr, /unknown scope "sudo"/);
      assert.equal(scope.stdout, "");
      const nobody = await runKith(["accounts", "token", "nobody"], throwaway.env);
      assert.equal(nobody.code, 1);
      assert.match(nobody.stderr, /no local account @nobody/);
      assert.equal(nobody.stdout, "");
      const missing = await runKith(["accounts", "token"], throwaway.env);
      assert.equal(missing.code, 2);
    });
  });
}
