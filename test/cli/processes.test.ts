import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { openDatabase } from "../../src/db/database.ts";
import { exitOf, spawnKith, waitForHttp } from "../helpers/cli.ts";
import {
  createThrowawayDatabase,
  POSTGRES_ADMIN_URL,
  POSTGRES_SKIP_REASON,
  type ThrowawayDatabase,
} from "../helpers/databases.ts";
import { freePort } from "../helpers/server.ts";

describe("kith serve on SQLite (what npm start runs)", () => {
  let database: ThrowawayDatabase;
  before(async () => {
    database = await createThrowawayDatabase("sqlite");
  });
  after(async () => {
    await database?.drop();
  });

  it("answers /health and /api/v1/instance within 10 s, keeps its database under ./data, and stops on SIGTERM", async () => {
    const port = await freePort();
    // As `npm start` on a fresh clone: no KITH_DATA_DIR, so ./data in the working directory.
    const child = spawnKith(
      ["serve"],
      { PORT: String(port), KITH_LOG_LEVEL: "info" },
      database.dataDir,
    );
    try {
      await waitForHttp(`http://127.0.0.1:${port}/health`, 10_000);
      const instance = await fetch(`http://127.0.0.1:${port}/api/v1/instance`);
      assert.equal(instance.status, 200);
      assert.equal(((await instance.json()) as any).uri, `localhost:${port}`);
      assert.ok(existsSync(join(database.dataDir, "data", "kith.sqlite")), child.output());
      assert.ok(existsSync(join(database.dataDir, "data", "secret.key")));
      child.kill("SIGTERM");
      assert.equal(await exitOf(child), 0, child.output());
      assert.match(child.output(), /Stopped/);
    } finally {
      child.kill("SIGKILL");
    }
  });
});

const skip = POSTGRES_ADMIN_URL ? false : POSTGRES_SKIP_REASON;
describe("kith serve with DATABASE_URL=postgres://…", { skip }, () => {
  let database: ThrowawayDatabase;
  before(async () => {
    database = await createThrowawayDatabase("postgres");
  });
  after(async () => {
    await database?.drop();
  });

  it("creates the schema in that database and serves from it", async () => {
    const port = await freePort();
    const child = spawnKith(["serve"], { ...database.env, PORT: String(port) });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/api/v1/instance`, 10_000);
      const db = await openDatabase({
        kind: "postgres",
        url: database.env.DATABASE_URL!,
        poolSize: 1,
      });
      try {
        const tables = await db.kysely.introspection.getTables();
        const names = tables.map((t) => t.name);
        for (const table of ["accounts", "users", "statuses", "jobs"])
          assert.ok(names.includes(table), table);
      } finally {
        await db.close();
      }
      assert.ok(
        !existsSync(join(database.dataDir, "kith.sqlite")),
        "no SQLite file when PostgreSQL is configured",
      );
      child.kill("SIGTERM");
      assert.equal(await exitOf(child), 0, child.output());
    } finally {
      child.kill("SIGKILL");
    }
  });
});

describe("kith web and kith worker side by side on one PostgreSQL database", { skip }, () => {
  let database: ThrowawayDatabase;
  before(async () => {
    database = await createThrowawayDatabase("postgres");
  });
  after(async () => {
    await database?.drop();
  });

  it("both run against the same database and each stops cleanly on SIGTERM", async () => {
    const port = await freePort();
    const env = { ...database.env, PORT: String(port), KITH_LOG_LEVEL: "info" };
    const web = spawnKith(["web"], env);
    const worker = spawnKith(["worker"], env);
    try {
      await waitForHttp(`http://127.0.0.1:${port}/health`, 15_000);
      const instance = (await (
        await fetch(`http://127.0.0.1:${port}/api/v2/instance`)
      ).json()) as any;
      assert.equal(instance.domain, `localhost:${port}`);
      // The worker schedules its periodic housekeeping in the shared database.
      const db = await openDatabase({
        kind: "postgres",
        url: database.env.DATABASE_URL!,
        poolSize: 1,
      });
      try {
        let found = false;
        for (let i = 0; i < 100 && !found; i++) {
          found = !!(await db.kysely
            .selectFrom("jobs")
            .select("id")
            .where("queue", "=", "housekeeping")
            .executeTakeFirst());
          if (!found) await new Promise((r) => setTimeout(r, 100));
        }
        assert.ok(found, `the worker did not schedule its work:\n${worker.output()}`);
      } finally {
        await db.close();
      }
      assert.doesNotMatch(web.output(), /Worker .* started/, "kith web runs no worker");
      assert.match(worker.output(), /Worker .* started/);
      web.kill("SIGTERM");
      worker.kill("SIGTERM");
      assert.equal(await exitOf(web), 0, web.output());
      assert.equal(await exitOf(worker), 0, worker.output());
    } finally {
      web.kill("SIGKILL");
      worker.kill("SIGKILL");
    }
  });
});
