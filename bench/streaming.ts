// Streaming at 1,000 connections: one Kith (SQLite, web and worker, in this process), 1,000
// local accounts following one poster, each with a WebSocket on its `user` stream (opened by a
// child process, so this process's memory is the server's alone). One status is posted and
// fanned out to all of them; the report gives how long until every client had it, and the
// server's memory per connection (RSS and V8 heap, after GC, before and after connecting).
// Usage: npm run bench:streaming [-- --connections N]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    connections: { type: "string", default: "1000" },
    // Internal: this file run as the client process.
    clients: { type: "string" },
  },
});

if (values.clients) await runClients(values.clients);
else await runBench(Number(values.connections));

/** The client side: one WebSocket per token (read from stdin), each on its `user` stream. */
async function runClients(url: string): Promise<void> {
  const tokens: string[] = [];
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === "") break;
    tokens.push(line);
  }
  const sockets: WebSocket[] = [];
  let received = 0;
  let last = 0;
  // Bounded: at most 50 handshakes in flight.
  for (let i = 0; i < tokens.length; i += 50) {
    await Promise.all(
      tokens.slice(i, i + 50).map(
        (token) =>
          new Promise<void>((resolve, reject) => {
            const socket = new WebSocket(`${url}/api/v1/streaming?stream=user`, [token]);
            socket.onopen = () => resolve();
            socket.onerror = () => reject(new Error("a WebSocket failed to open"));
            socket.onmessage = (m) => {
              if (JSON.parse(String(m.data)).event !== "update") return;
              received += 1;
              last = Date.now();
              if (received === tokens.length) console.log(`done ${last}`);
            };
            sockets.push(socket);
          }),
      ),
    );
  }
  console.log("open");
  // Ends when the parent closes our stdin, or after five minutes at the latest.
  const stop = setTimeout(() => process.exit(1), 300_000);
  process.stdin.once("close", () => {
    clearTimeout(stop);
    for (const s of sockets) s.close();
    process.exit(0);
  });
  process.stdin.resume();
}

async function runBench(n: number): Promise<void> {
  const { loadConfig } = await import("../src/config.ts");
  const { startKith } = await import("../src/main.ts");
  const { createLocalAccount } = await import("../src/domain/accounts/admin.ts");
  const { issueToken } = await import("../src/domain/oauth/tokens.ts");
  const { follow } = await import("../src/domain/relationships/follow.ts");
  const { loadViewer } = await import("../src/domain/viewer.ts");
  const { createStatus } = await import("../src/domain/statuses/create.ts");
  const { streamingHub } = await import("../src/http/streaming/hub.ts");

  const dataDir = mkdtempSync(join(tmpdir(), "kith-bench-streaming-"));
  const port = await freePort();
  const config = loadConfig({
    PATH: process.env.PATH ?? "",
    KITH_DATA_DIR: dataDir,
    HOST: "127.0.0.1",
    PORT: String(port),
    KITH_ORIGIN: `http://127.0.0.1:${port}`,
    KITH_DEV_MODE: "true",
    KITH_SECRET_KEY: "bench-secret-bench-secret-bench-secret-0",
    KITH_LOG_LEVEL: "warning",
    KITH_RATE_LIMIT_API: "1000000",
  });
  const kith = await startKith(config, { web: true, worker: true });
  const { ctx } = kith;
  let clients: ReturnType<typeof spawn> | undefined;
  try {
    console.log(`Creating ${n} followers (SQLite)…`);
    const poster = await createLocalAccount(ctx, {
      username: "poster",
      email: "poster@example.test",
    });
    // One password hash for all: cloning the follower rows keeps set-up short.
    const template = await createLocalAccount(ctx, { username: "f0", email: "f0@example.test" });
    const tokens: string[] = [];
    const accountIds: string[] = [];
    for (let i = 0; i < n; i++) {
      const accountId =
        i === 0 ? template.accountId : await cloneAccount(ctx, template.accountId, i);
      accountIds.push(accountId);
      await follow(ctx, accountId, poster.accountId);
      const token = await issueToken(ctx, {
        applicationId: null,
        accountId,
        scopes: ["read"],
      });
      tokens.push(token.accessToken);
    }

    const before = await memory();
    clients = spawn(
      process.execPath,
      [import.meta.filename, "--clients", `ws://127.0.0.1:${port}`],
      { stdio: ["pipe", "pipe", "inherit"] },
    );
    const lines = createInterface({ input: clients.stdout! });
    const nextLine = () =>
      new Promise<string>((resolve, reject) => {
        lines.once("line", resolve);
        clients!.once("exit", () => reject(new Error("the client process ended")));
      });
    clients.stdin!.write(`${tokens.join("\n")}\n\n`);
    const connectStarted = Date.now();
    const opened = await nextLine();
    if (opened !== "open") throw new Error(`clients said ${opened}`);
    const hub = streamingHub(ctx);
    while (accountIds.some((id) => !hub.isSubscribed(id, "user"))) await sleep(20);
    const connectMs = Date.now() - connectStarted;
    const after = await memory();

    const done = nextLine();
    const postedAt = Date.now();
    await createStatus(ctx, await loadViewer(ctx, poster.accountId), {
      text: "Hello, all of you",
      visibility: "public",
    } as Parameters<typeof createStatus>[2]);
    const deliveredAt = Number((await done).split(" ")[1]);
    const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    const kib = (bytes: number) => (bytes / 1024).toFixed(1);
    const report = {
      connections: n,
      connectMs,
      deliveryMs: deliveredAt - postedAt,
      rssBeforeMiB: mib(before.rss),
      rssAfterMiB: mib(after.rss),
      rssPerConnectionKiB: kib((after.rss - before.rss) / n),
      heapPerConnectionKiB: kib((after.heapUsed - before.heapUsed) / n),
    };
    console.log(JSON.stringify(report, null, 2));
  } finally {
    clients?.stdin?.end();
    clients?.kill();
    await kith.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A copy of a local account (and its user row) under a new username and e-mail address. */
async function cloneAccount(
  ctx: import("../src/domain/context.ts").Context,
  templateId: string,
  i: number,
): Promise<string> {
  const { newId } = await import("../src/db/ids.ts");
  const { kysely } = ctx.db;
  const account = await kysely
    .selectFrom("accounts")
    .selectAll()
    .where("id", "=", templateId)
    .executeTakeFirstOrThrow();
  const user = await kysely
    .selectFrom("users")
    .selectAll()
    .where("account_id", "=", templateId)
    .executeTakeFirstOrThrow();
  const rename = <T extends Record<string, unknown>>(row: T, from: string, to: string): T =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [k, typeof v === "string" ? v.replaceAll(from, to) : v]),
    ) as T;
  const accountId = newId();
  await kysely
    .insertInto("accounts")
    .values({ ...rename(account, "f0", `f${i}`), id: accountId })
    .execute();
  await kysely
    .insertInto("users")
    .values({ ...rename(user, "f0", `f${i}`), id: newId(), account_id: accountId })
    .execute();
  return accountId;
}

async function memory() {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await sleep(100);
  }
  return process.memoryUsage();
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
