// Moderators' notes on reports (a Kith extension of the admin API) on both databases: staff
// add and list them oldest first, with the author as an Account; content is trimmed and
// bounded; unknown reports and notes are 404s, users are refused; a moderator deletes only
// their own notes, an admin any; every change is in the audit log; notes go with their report
// and with their author's account.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { listAudit } from "../../src/domain/moderation/audit.ts";
import { OPENAPI_SKIP_REASON, validateEntity } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

const STAFF_SCOPES = ["read", "write", "admin:read", "admin:write"];

interface Note {
  id: string;
  content: string;
  created_at: string;
  account: { id: string; acct: string } | null;
}

describe("report notes", () => {
  eachServer("report notes API", (server) => {
    let alice: TestUser;
    let bob: TestUser;
    let mod: TestUser;
    let otherMod: TestUser;
    let admin: TestUser;
    let readOnlyMod: TestUser;
    let reportId: string;
    const base = () => server().url;
    const ctx = () => server().kith.ctx;
    const notesPath = (id = reportId) => `/api/v1/admin/reports/${id}/notes`;
    const list = (user: TestUser, id = reportId) =>
      api(base(), "GET", notesPath(id), { token: user.token });
    const add = (user: TestUser, body: unknown, id = reportId) =>
      api(base(), "POST", notesPath(id), { token: user.token, body });
    const remove = (user: TestUser, noteId: string, id = reportId) =>
      api(base(), "DELETE", `${notesPath(id)}/${noteId}`, { token: user.token });
    const fileReport = async (reporter: TestUser, target: TestUser) => {
      const r = await api(base(), "POST", "/api/v1/reports", {
        token: reporter.token,
        body: { account_id: target.accountId, comment: "rude" },
      });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      return r.json.id as string;
    };
    const noteAudit = async () =>
      (await listAudit(ctx(), { action: "report_note." }, { limit: 100 })).reverse();

    before(async () => {
      alice = await createUser(ctx(), { username: "alice" });
      bob = await createUser(ctx(), { username: "bob" });
      mod = await createUser(ctx(), { username: "moddy", role: "moderator", scopes: STAFF_SCOPES });
      otherMod = await createUser(ctx(), {
        username: "moddo",
        role: "moderator",
        scopes: STAFF_SCOPES,
      });
      admin = await createUser(ctx(), { username: "boss", role: "admin", scopes: STAFF_SCOPES });
      readOnlyMod = await createUser(ctx(), {
        username: "peeker",
        role: "moderator",
        scopes: ["read", "admin:read"],
      });
      reportId = await fileReport(alice, bob);
    });

    it("adds notes, trimmed, and lists them oldest first with their authors", async () => {
      assert.deepEqual((await list(mod)).json, [], "no notes yet");
      const first = await add(mod, { content: "  Looking into it.\n" });
      assert.equal(first.status, 200, JSON.stringify(first.json));
      const note = first.json as Note;
      assert.equal(note.content, "Looking into it.");
      assert.equal(note.account?.id, mod.accountId);
      assert.equal(note.account?.acct, "moddy");
      assert.ok(!Number.isNaN(Date.parse(note.created_at)));

      const second = await add(otherMod, { content: "Seen this before." });
      assert.equal(second.status, 200);
      const third = await add(admin, { content: "x".repeat(500) }, reportId);
      assert.equal(third.status, 200, "500 characters is allowed");

      const listed = await list(readOnlyMod);
      assert.equal(listed.status, 200);
      assert.deepEqual(
        (listed.json as Note[]).map((n) => [n.id, n.account?.acct]),
        [
          [note.id, "moddy"],
          [second.json.id, "moddo"],
          [third.json.id, "boss"],
        ],
      );

      // Notes belong to one report.
      const otherReport = await fileReport(bob, alice);
      assert.deepEqual((await list(mod, otherReport)).json, []);
    });

    it("refuses blank and overlong content with 422", async () => {
      for (const body of [{ content: "" }, { content: " \n\t " }, {}]) {
        const r = await add(mod, body);
        assert.equal(r.status, 422, JSON.stringify(body));
        assert.deepEqual(r.json, { error: "Validation failed: Content can't be blank" });
      }
      const long = await add(mod, { content: "é".repeat(501) });
      assert.equal(long.status, 422);
      assert.deepEqual(long.json, {
        error: "Validation failed: Content is too long (maximum is 500 characters)",
      });
      const notString = await add(mod, { content: { nested: true } });
      assert.equal(notString.status, 422);
      assert.match(notString.json.error, /^Validation failed: /);
    });

    it("answers 404 for unknown reports and notes", async () => {
      const missing = "999999999999999999";
      assert.equal((await list(mod, missing)).status, 404);
      assert.equal((await list(mod, "nonsense")).status, 404);
      assert.equal((await add(mod, { content: "hi" }, missing)).status, 404);
      const mine = await add(mod, { content: "mine" });
      assert.equal((await remove(mod, missing)).status, 404);
      assert.equal((await remove(mod, "nonsense")).status, 404);
      assert.equal((await remove(mod, mine.json.id, missing)).status, 404);
      const otherReport = await fileReport(alice, mod);
      assert.equal(
        (await remove(mod, mine.json.id, otherReport)).status,
        404,
        "a note is deleted through its own report only",
      );
      assert.equal((await remove(mod, mine.json.id)).status, 200);
      assert.equal((await remove(mod, mine.json.id)).status, 404, "already gone");
    });

    it("refuses users, and writes without an admin write scope", async () => {
      const user = await list(alice);
      assert.equal(user.status, 403);
      assert.equal((await add(alice, { content: "I am a moderator now" })).status, 403);
      // alice's token lacks admin scopes; a user with them is refused by role.
      const userWithScopes = await createUser(ctx(), { scopes: STAFF_SCOPES });
      assert.equal((await list(userWithScopes)).status, 403);
      assert.equal((await add(userWithScopes, { content: "hello" })).status, 403);
      assert.equal((await add(readOnlyMod, { content: "hello" })).status, 403);
      assert.equal((await api(base(), "GET", notesPath())).status, 401);
      assert.ok(
        !(await list(mod)).json.some((n: Note) => n.content === "I am a moderator now"),
        "nothing was added",
      );
    });

    it("lets a moderator delete only their own notes, and an admin any", async () => {
      const theirs = await add(otherMod, { content: "otherMod's note" });
      const mine = await add(mod, { content: "mod's note" });
      const forbidden = await remove(mod, theirs.json.id);
      assert.equal(forbidden.status, 403);
      assert.equal(
        (await remove(readOnlyMod, mine.json.id)).status,
        403,
        "deleting needs admin:write",
      );
      assert.equal((await remove(mod, mine.json.id)).status, 200);
      const ids = () => list(mod).then((r) => (r.json as Note[]).map((n) => n.id));
      assert.ok(!(await ids()).includes(mine.json.id));
      assert.ok((await ids()).includes(theirs.json.id), "the refused delete changed nothing");
      assert.equal((await remove(admin, theirs.json.id)).status, 200);
      assert.ok(!(await ids()).includes(theirs.json.id));
    });

    it("records each create and destroy in the audit log, against the report", async () => {
      const created = await add(mod, { content: "audited" });
      await remove(admin, created.json.id);
      const entries = await noteAudit();
      const forNote = entries.filter((e) => e.detail.note_id === created.json.id);
      assert.deepEqual(
        forNote.map((e) => [e.action, e.accountId, e.targetType, e.targetId, e.detail.content]),
        [
          ["report_note.create", mod.accountId, "report", reportId, "audited"],
          ["report_note.destroy", admin.accountId, "report", reportId, "audited"],
        ],
      );
      // Refused attempts leave no entry.
      assert.equal(entries.filter((e) => e.action === "report_note.destroy").length, 4);
    });

    it("deletes notes with their report's account and with their author", async () => {
      const dave = await createUser(ctx(), { username: "dave" });
      const temp = await createUser(ctx(), {
        username: "tempmod",
        role: "moderator",
        scopes: STAFF_SCOPES,
      });
      const daveReport = await fileReport(alice, dave);
      const kept = await add(mod, { content: "about dave" }, daveReport);
      const byTemp = await add(temp, { content: "by temp" });
      assert.equal(kept.status, 200);
      assert.equal(byTemp.status, 200);
      const count = async (id: string) =>
        (
          await ctx()
            .db.kysely.selectFrom("report_notes")
            .select("id")
            .where("id", "=", id)
            .execute()
        ).length;
      assert.equal(await count(kept.json.id), 1);

      await ctx().db.kysely.deleteFrom("accounts").where("id", "=", dave.accountId).execute();
      assert.equal(await count(kept.json.id), 0, "gone with the report about dave");

      await ctx().db.kysely.deleteFrom("accounts").where("id", "=", temp.accountId).execute();
      assert.equal(await count(byTemp.json.id), 0, "gone with its author, as in Mastodon");
      assert.equal((await list(mod)).status, 200);
    });

    it("renders the author as a valid Account entity", { skip: OPENAPI_SKIP_REASON }, async () => {
      const created = await add(mod, { content: "schema" });
      await validateEntity("Account", created.json.account);
      for (const n of (await list(mod)).json as Note[])
        if (n.account) await validateEntity("Account", n.account);
    });
  });
});
