// Every payload in shared/fixtures/activitypub through Kith, on both databases: activities
// delivered to the inbox (signed by their actor's key on the fake fediverse), bare objects
// wrapped in their author's Create, actors, statuses and collections fetched as remote data,
// WebFinger answers resolved, XML parsed. Each must give the outcome its INDEX.md line asks
// for (fixture-cases*.ts say how, and what is checked besides), and none may crash a handler.
// Fixtures are read in place; without ../shared the whole file is skipped.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { resolveActor } from "../../src/federation/remote/actors.ts";
import { resolveStatus } from "../../src/federation/remote/statuses.ts";
import { eachDatabase } from "../helpers/databases.ts";
import { FakeFediverse } from "../helpers/fake-fediverse.ts";
import {
  FIXTURES,
  FixtureHarness,
  idOf,
  type Json,
  type Outcome,
  wrapInCreate,
} from "../helpers/fixture-harness.ts";
import type { FixtureCase } from "../helpers/fixture-scenes.ts";
import { FEDI_CASES } from "./fixture-cases-fedi.ts";
import { MASTODON_CASES } from "./fixture-cases-mastodon.ts";
import { OTHER_CASES } from "./fixture-cases-others.ts";

const CASES = [...MASTODON_CASES, ...FEDI_CASES, ...OTHER_CASES];
const SKIP = existsSync(FIXTURES)
  ? false
  : `${FIXTURES} is absent: the shared ActivityPub fixtures are not available here`;

const authorOf = (json: Json) =>
  idOf(Array.isArray(json.attributedTo) ? json.attributedTo[0] : json.attributedTo) ??
  idOf(json.actor);

async function run(h: FixtureHarness, c: FixtureCase, json: Json): Promise<Outcome> {
  if (c.run) return c.run(h, json);
  switch (c.mode ?? "inbox") {
    case "inbox": {
      const actor = idOf(json.actor);
      if (c.related !== false && actor) await h.followed(actor);
      return h.deliver(json);
    }
    case "wrap": {
      const author = authorOf(json);
      if (c.related !== false && author) await h.followed(author);
      return h.deliver(wrapInCreate(json));
    }
    case "actor":
      h.fake.serve(json.id, json);
      return h.attempt(() => resolveActor(h.env, json.id), "actor stored");
    case "fetch":
      await h.serve(json);
      return h.attempt(() => resolveStatus(h.env, json.id), "status stored");
  }
}

describe("shared ActivityPub fixtures", { skip: SKIP }, () => {
  it("has exactly one case for every fixture file", () => {
    const files = readdirSync(FIXTURES, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && !/^(INDEX|SOURCES)\.md$/.test(e.name))
      .map((e) => join(e.parentPath.slice(FIXTURES.length + 1), e.name))
      .sort();
    const covered = CASES.map((c) => c.file).sort();
    assert.deepEqual(covered, files);
  });

  eachDatabase(
    "fixtures",
    (fixture) => {
      let fake: FakeFediverse;
      let h: FixtureHarness;
      before(async () => {
        fake = await FakeFediverse.start();
        h = new FixtureHarness(fixture().ctx, fake);
      });
      after(() => fake.stop());

      for (const c of CASES) {
        it(`${c.file} is ${c.expect}`, async () => {
          await h.reset(c.rewrites ?? []);
          const json = c.file.endsWith(".json") ? await h.json(c.file) : null;
          await c.setup?.(h, json);
          const outcome = await run(h, c, json);
          assert.equal(outcome.result, c.expect, `${c.file}: ${outcome.reason}`);
          if (c.reason) assert.match(outcome.reason, c.reason);
          await c.check?.(h, json);
        });
      }
    },
    { env: { KITH_ORIGIN: "https://kith.test" } },
  );
});
