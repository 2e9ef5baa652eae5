// The shipped policies end to end: a Kith started with each (KITH_RULES_FILE pointing at
// docs/rules/), posted to through masto.js with seeded fuzzed unicode. Every refused post gets
// the policy's message in a 422 and is not stored; every allowed one is stored as written.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, it } from "node:test";
import { createRestAPIClient, type mastodon } from "masto";
import { SHIPPED_RULES } from "../helpers/rules.ts";
import { eachServer, type TestServer } from "../helpers/server.ts";
import {
  E_FORMS,
  fuzzText,
  OTHER_LETTERS,
  OTHER_SYMBOLS,
  PUNCTUATION,
  pick,
  SPACES,
  seeded,
  ZERO_WIDTH,
} from "../helpers/unicode-fuzz.ts";
import { createUser } from "../helpers/users.ts";

const POSTS = 30;

/** Posts each text; returns the refusal message (or null) for each, checking storage. */
async function postAll(server: TestServer, client: mastodon.rest.Client, texts: string[]) {
  const outcomes: (string | null)[] = [];
  for (const text of texts) {
    try {
      const status = await client.v1.statuses.create({ status: text });
      const row = await server.kith.ctx.db.kysely
        .selectFrom("statuses")
        .select("text")
        .where("id", "=", status.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.text, text.trim(), "stored as written");
      outcomes.push(null);
    } catch (error) {
      const e = error as { statusCode?: number; message: string };
      assert.equal(e.statusCode, 422, e.message);
      outcomes.push(e.message);
    }
  }
  return outcomes;
}

for (const [file, build] of [
  [
    "lipogram.json",
    (random: () => number, refused: boolean) => {
      const clean = [OTHER_LETTERS, SPACES, PUNCTUATION, ZERO_WIDTH, OTHER_SYMBOLS];
      const e = refused ? pick(random, E_FORMS) + pick(random, ["", ...ZERO_WIDTH]) : "";
      return `${pick(random, OTHER_LETTERS)}${fuzzText(random, clean, 10)}${e}${fuzzText(random, clean, 10)}`;
    },
  ],
  [
    "dolphin-town.json",
    (random: () => number, refused: boolean) => {
      const allowed = [E_FORMS, SPACES, PUNCTUATION];
      const intruder = refused
        ? fuzzText(random, [OTHER_LETTERS, OTHER_SYMBOLS, ZERO_WIDTH], 1)
        : "";
      return `${pick(random, E_FORMS)}${fuzzText(random, allowed, 10)}${intruder}${fuzzText(random, allowed, 10)}`;
    },
  ],
] as const) {
  const path = join(SHIPPED_RULES, file);
  const message: string = JSON.parse(readFileSync(path, "utf8")).local[0].message;
  eachServer(
    `shipped policy ${file}, fuzzed through masto.js`,
    (server) => {
      let client: mastodon.rest.Client;
      before(async () => {
        const user = await createUser(server().kith.ctx);
        client = createRestAPIClient({ url: server().url, accessToken: user.token });
      });

      it("refuses exactly the posts that break it, with its message, and stores only the rest", async () => {
        const random = seeded(file.length);
        const expected = Array.from({ length: POSTS }, () => random() < 0.5);
        const texts = expected.map((refused) => build(random, refused));
        const outcomes = await postAll(server(), client, texts);
        for (const [i, refused] of expected.entries())
          assert.equal(outcomes[i], refused ? message : null, JSON.stringify(texts[i]));
        const stored = await server()
          .kith.ctx.db.kysely.selectFrom("statuses")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow();
        assert.equal(Number(stored.n), expected.filter((r) => !r).length);
      });
    },
    { env: { KITH_RULES_FILE: path } },
  );
}
