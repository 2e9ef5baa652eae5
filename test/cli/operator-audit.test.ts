// The operator's own actions at the shell land in the audit log as done by "operator", on both
// databases: making an account and a token, making and revoking an invite, reopening
// registrations and letting an unavailable host back in; a command that changes nothing (a
// host with no failures) records nothing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openDatabase } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { recordDeliveryFailure } from "../../src/federation/outbox/availability.ts";
import { runKith } from "../helpers/cli.ts";
import {
  createThrowawayDatabase,
  POSTGRES_ADMIN_URL,
  POSTGRES_SKIP_REASON,
  type ThrowawayDatabase,
  testConfig,
} from "../helpers/databases.ts";

for (const kind of ["sqlite", "postgres"] as const) {
  const skip = kind === "postgres" && !POSTGRES_ADMIN_URL ? POSTGRES_SKIP_REASON : false;
  describe(`operator actions in the audit log [${kind}]`, { skip }, () => {
    let throwaway: ThrowawayDatabase;
    before(async () => {
      throwaway = await createThrowawayDatabase(kind);
    });
    after(async () => throwaway?.drop());
    const kith = async (...args: string[]) => {
      const r = await runKith(args, throwaway.env);
      assert.equal(r.code, 0, `kith ${args.join(" ")}: ${r.stderr}`);
      return r.stdout;
    };

    it("records what the operator did, and nothing for what changed nothing", async () => {
      await kith("accounts", "create", "zoe", "--email", "zoe@example.com", "--role", "moderator");
      await kith("accounts", "token", "zoe");
      const code = /^Invite code: (\S+)$/m.exec(await kith("invites", "create"))![1]!;
      await kith("invites", "revoke", code);
      await kith("registrations", "reopen");

      const config = testConfig(throwaway.env);
      const db = await openDatabase(config.database);
      try {
        await migrateToLatest(db);
        await recordDeliveryFailure({ config, db }, "https://down.example/inbox", "HTTP 502");
      } finally {
        await db.close();
      }
      await kith("federation", "clear", "down.example");
      const none = await runKith(["federation", "clear", "up.example"], throwaway.env);
      assert.equal(none.code, 1, "nothing to clear");

      const entries = (await kith("audit", "--json"))
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { action: string; actor: string; targetLabel: string });
      assert.deepEqual(entries.map((e) => [e.action, e.targetLabel]).reverse(), [
        ["account.create", "zoe"],
        ["account.token_create", "zoe"],
        ["invite.create", `invite ${code}`],
        ["invite.revoke", `invite ${code}`],
        ["registrations.reopen", "registrations"],
        ["domain.clear_unavailable", "down.example"],
      ]);
      assert.ok(entries.every((e) => e.actor === "operator"));
    });
  });
}
