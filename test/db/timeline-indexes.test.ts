import assert from "node:assert/strict";
import { it } from "node:test";
import { sql } from "kysely";
import { eachDatabase } from "../helpers/databases.ts";

// 0006: the visibility rule's "author suspended / silenced" probes need these partial indexes,
// or PostgreSQL scans every account on each timeline request (see docs/benchmarks.md).
eachDatabase("timeline indexes", (fixture) => {
  it("index only the suspended and the silenced accounts", async () => {
    const { db, kind } = fixture();
    const query =
      kind === "sqlite"
        ? sql<{
            name: string;
            def: string;
          }>`SELECT name, sql AS def FROM sqlite_master WHERE type = 'index' AND name IN ('accounts_suspended', 'accounts_silenced') ORDER BY name`
        : sql<{
            name: string;
            def: string;
          }>`SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE indexname IN ('accounts_suspended', 'accounts_silenced') ORDER BY indexname`;
    const rows = (await query.execute(db.kysely)).rows;
    assert.deepEqual(
      rows.map((r) => r.name),
      ["accounts_silenced", "accounts_suspended"],
    );
    assert.match(rows[0]!.def, /WHERE \(?"?silenced_at"? IS NOT NULL\)?/i);
    assert.match(rows[1]!.def, /WHERE \(?"?suspended_at"? IS NOT NULL\)?/i);
  });
});
