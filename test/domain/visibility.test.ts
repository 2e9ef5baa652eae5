import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { Visibility } from "../../src/db/schema.ts";
import type { Viewer } from "../../src/domain/viewer.ts";
import {
  canSee,
  mayView,
  type VisibilityFacts,
  visibleStatusFilter,
} from "../../src/domain/visibility.ts";
import { eachDatabase } from "../helpers/databases.ts";
import {
  insertAccount,
  insertBlock,
  insertDomainBlock,
  insertFollow,
  insertStatus,
} from "./visibility-fixtures.ts";

const VISIBILITIES: Visibility[] = ["public", "unlisted", "private", "direct"];

// The rule, written out as a table: the first row whose conditions all hold decides.
// `undefined` in a row means "either".
type Row = Partial<Omit<VisibilityFacts, "visibility">> & {
  visibility?: Visibility;
  sees: boolean;
};
const TABLE: Row[] = [
  { authorSuspended: true, sees: false },
  { signedIn: false, visibility: "public", sees: true },
  { signedIn: false, visibility: "unlisted", sees: true },
  { signedIn: false, sees: false },
  { isAuthor: true, sees: true },
  { blocked: true, sees: false },
  { visibility: "public", sees: true },
  { visibility: "unlisted", sees: true },
  { visibility: "private", following: true, sees: true },
  { visibility: "private", mentioned: true, sees: true },
  { visibility: "private", sees: false },
  { visibility: "direct", mentioned: true, sees: true },
  { visibility: "direct", sees: false },
];

function fromTable(facts: VisibilityFacts): boolean {
  for (const row of TABLE) {
    const { sees, ...conditions } = row;
    const matches = Object.entries(conditions).every(
      ([k, v]) => facts[k as keyof VisibilityFacts] === v,
    );
    if (matches) return sees;
  }
  throw new Error(`no row for ${JSON.stringify(facts)}`);
}

function* allFacts(): Generator<VisibilityFacts> {
  const bools = [false, true];
  for (const visibility of VISIBILITIES)
    for (const signedIn of bools)
      for (const isAuthor of bools)
        for (const authorSuspended of bools)
          for (const blocked of bools)
            for (const following of bools)
              for (const mentioned of bools) {
                // Anonymous readers are nobody: not the author, not following, not mentioned.
                if (!signedIn && (isAuthor || blocked || following || mentioned)) continue;
                yield {
                  visibility,
                  signedIn,
                  isAuthor,
                  authorSuspended,
                  blocked,
                  following,
                  mentioned,
                };
              }
}

describe("the visibility rule", () => {
  it("agrees with the rule table for every combination", () => {
    let n = 0;
    for (const facts of allFacts()) {
      assert.equal(mayView(facts), fromTable(facts), JSON.stringify(facts));
      n++;
    }
    assert.equal(n, 4 * (2 + 2 ** 5), "every combination was checked");
  });

  it("never shows private or direct statuses to anonymous readers", () => {
    for (const facts of allFacts())
      if (!facts.signedIn && (facts.visibility === "private" || facts.visibility === "direct"))
        assert.equal(mayView(facts), false);
  });

  it("never shows a direct status to a follower who is not mentioned", () => {
    const base = { signedIn: true, isAuthor: false, authorSuspended: false, blocked: false };
    assert.equal(
      mayView({ ...base, visibility: "direct", following: true, mentioned: false }),
      false,
    );
    assert.equal(
      mayView({ ...base, visibility: "direct", following: true, mentioned: true }),
      true,
    );
    assert.equal(
      mayView({ ...base, visibility: "private", following: false, mentioned: true }),
      true,
    );
  });

  it("lets a block hide everything but the author's own view", () => {
    for (const facts of allFacts()) {
      if (!facts.blocked || facts.authorSuspended) continue;
      assert.equal(mayView(facts), facts.isAuthor, JSON.stringify(facts));
    }
  });

  it("hides a suspended author's statuses from everyone, the author included", () => {
    for (const facts of allFacts()) if (facts.authorSuspended) assert.equal(mayView(facts), false);
  });
});

// The same grid in a database: the SQL filter used by every list and the per-status check
// must both say exactly what the rule says, for the viewer and for an anonymous reader.
eachDatabase("visibility in the database", (fixture) => {
  interface Case {
    statusId: string;
    facts: VisibilityFacts;
    originalId?: string;
  }
  const cases: Case[] = [];
  // Staff get no exception: the viewer is an admin.
  let viewer: Viewer;

  before(async () => {
    const { ctx } = fixture();
    const viewerId = await insertAccount(ctx, "viewer");
    viewer = { accountId: viewerId, userId: "0", username: "viewer", role: "admin" };
    const bystander = await insertAccount(ctx, "bystander");
    let n = 0;
    // The viewer blocks a whole server: its authors are hidden unless followed.
    await insertDomainBlock(ctx, viewerId, "blocked.example");
    for (const suspended of [false, true])
      for (const block of ["none", "by-author", "by-viewer", "by-domain"] as const)
        for (const following of [false, true]) {
          const domain = block === "by-domain" ? "blocked.example" : null;
          const author = await insertAccount(ctx, `author${n++}`, { suspended, domain });
          if (block === "by-author") await insertBlock(ctx, author, viewerId);
          if (block === "by-viewer") await insertBlock(ctx, viewerId, author);
          if (following) await insertFollow(ctx, viewerId, author);
          for (const visibility of VISIBILITIES)
            for (const mentioned of [false, true]) {
              const statusId = await insertStatus(ctx, author, visibility, {
                mentions: mentioned ? [viewerId, bystander] : [bystander],
              });
              const facts: VisibilityFacts = {
                visibility,
                signedIn: true,
                isAuthor: false,
                authorSuspended: suspended,
                // A domain block spares the accounts the viewer still follows.
                blocked: block === "by-domain" ? !following : block !== "none",
                following,
                mentioned,
              };
              cases.push({ statusId, facts });
              // A public reblog of it by a bystander: visible only when the original is.
              const reblogId = await insertStatus(ctx, bystander, "public", {
                reblogOf: statusId,
              });
              cases.push({
                statusId: reblogId,
                originalId: statusId,
                facts: { ...facts, visibility: "public", authorSuspended: false, blocked: false },
              });
            }
        }
    for (const visibility of VISIBILITIES) {
      const statusId = await insertStatus(ctx, viewerId, visibility);
      cases.push({
        statusId,
        facts: {
          visibility,
          signedIn: true,
          isAuthor: true,
          authorSuspended: false,
          blocked: false,
          following: false,
          mentioned: false,
        },
      });
    }
  });

  const expected = (c: Case, anonymous: boolean): boolean => {
    const facts = anonymous
      ? {
          ...c.facts,
          signedIn: false,
          isAuthor: false,
          blocked: false,
          following: false,
          mentioned: false,
        }
      : c.facts;
    if (!mayView(facts)) return false;
    if (!c.originalId) return true;
    const original = cases.find((o) => o.statusId === c.originalId)!;
    return expected(original, anonymous);
  };

  for (const anonymous of [false, true]) {
    const who = anonymous ? "an anonymous reader" : "a signed-in (staff) reader";
    it(`filters lists exactly as the rule says, for ${who}`, async () => {
      const { ctx } = fixture();
      const rows = await ctx.db.kysely
        .selectFrom("statuses")
        .select("statuses.id")
        .where(visibleStatusFilter(anonymous ? null : viewer))
        .execute();
      const visible = new Set(rows.map((r) => r.id));
      assert.ok(cases.length > 100);
      for (const c of cases) {
        assert.equal(
          visible.has(c.statusId),
          expected(c, anonymous),
          `${JSON.stringify(c.facts)}${c.originalId ? " (reblog)" : ""}`,
        );
      }
    });

    it(`checks single statuses exactly as the rule says, for ${who}`, async () => {
      const { ctx } = fixture();
      for (const c of cases) {
        const row = await ctx.db.kysely
          .selectFrom("statuses")
          .select(["id", "account_id", "visibility", "reblog_of_id"])
          .where("id", "=", c.statusId)
          .executeTakeFirstOrThrow();
        assert.equal(
          await canSee(ctx, anonymous ? null : viewer, row),
          expected(c, anonymous),
          `${JSON.stringify(c.facts)}${c.originalId ? " (reblog)" : ""}`,
        );
      }
    });
  }

  it("the filter works under a table alias too", async () => {
    const { ctx } = fixture();
    const plain = await ctx.db.kysely
      .selectFrom("statuses")
      .select("statuses.id")
      .where(visibleStatusFilter(viewer))
      .execute();
    const aliased = await ctx.db.kysely
      .selectFrom("statuses as s")
      .select("s.id")
      .where(visibleStatusFilter(viewer, "s"))
      .execute();
    assert.deepEqual(aliased.map((r) => r.id).sort(), plain.map((r) => r.id).sort());
  });
});
