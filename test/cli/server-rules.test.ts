// `kith server-rules list|add|remove` as a child process, on both databases: what it adds shows
// in the instance rules, and mistakes get exit code 1 (refused) or 2 (called wrongly).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { runKith } from "../helpers/cli.ts";
import {
  createThrowawayDatabase,
  POSTGRES_ADMIN_URL,
  POSTGRES_SKIP_REASON,
  type ThrowawayDatabase,
} from "../helpers/databases.ts";

for (const kind of ["sqlite", "postgres"] as const) {
  const skip = kind === "postgres" && !POSTGRES_ADMIN_URL ? POSTGRES_SKIP_REASON : false;
  describe(`kith server-rules [${kind}]`, { skip }, () => {
    let db: ThrowawayDatabase;
    before(async () => {
      db = await createThrowawayDatabase(kind);
    });
    after(async () => db?.drop());
    const kith = (...args: string[]) => runKith(["server-rules", ...args], db.env);

    it("adds, lists in order and removes rules", async () => {
      const empty = await kith("list");
      assert.equal(empty.code, 0, empty.stderr);
      assert.equal(empty.stdout, "");
      assert.match(empty.stderr, /No rules yet/);

      const first = await kith("add", "Be kind");
      assert.equal(first.code, 0, first.stderr);
      const id = /Added rule (\d+)\./.exec(first.stdout)?.[1];
      assert.ok(id, first.stdout);
      assert.equal((await kith("add", "No spam", "--hint", "Ads count as spam.")).code, 0);

      const listed = await kith("list");
      assert.deepEqual(
        listed.stdout
          .trim()
          .split("\n")
          .map((l) => l.split("\t").slice(1)),
        [
          ["Be kind", ""],
          ["No spam", "Ads count as spam."],
        ],
      );

      const removed = await kith("remove", id);
      assert.equal(removed.code, 0, removed.stderr);
      assert.doesNotMatch((await kith("list")).stdout, /Be kind/);
      const again = await kith("remove", id);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /Record not found/);
    });

    it("refuses bad input", async () => {
      const blank = await kith("add", "   ");
      assert.equal(blank.code, 1);
      assert.match(blank.stderr, /Text can't be blank/);
      assert.equal((await kith("add")).code, 2);
      assert.equal((await kith("add", "x", "--bogus")).code, 2);
      assert.equal((await kith("frobnicate")).code, 2);
      const help = await kith("add", "--help");
      assert.equal(help.code, 0);
      assert.match(help.stdout, /kith server-rules add TEXT/);
    });
  });
}
