// For outbox-lazy-child.ts: a remote follower whose server only counts what it receives, built
// without Fedify (nor test helpers that import it) so that loading Fedify shows Kith's doing.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { newId } from "../../src/db/ids.ts";
import type { Context } from "../../src/domain/context.ts";

export async function startRecordingInboxWithoutFedify() {
  const received: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      if (req.method === "POST") received.push(JSON.parse(body).type);
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    async follow(ctx: Context, targetId: string) {
      const id = newId();
      const now = new Date().toISOString();
      await ctx.db.kysely
        .insertInto("accounts")
        .values({
          id,
          username: "zed",
          domain: "peer.test",
          uri: `${origin}/users/zed`,
          url: null,
          inbox_url: `${origin}/users/zed/inbox`,
          shared_inbox_url: null,
          outbox_url: null,
          followers_url: null,
          following_url: null,
          featured_url: null,
          avatar_url: null,
          header_url: null,
          discoverable: null,
          moved_to_account_id: null,
          public_key_pem: null,
          private_key_pem: null,
          suspended_at: null,
          silenced_at: null,
          sensitized_at: null,
          last_status_at: null,
          created_at: now,
          updated_at: now,
          fetched_at: now,
        })
        .execute();
      await ctx.db.kysely
        .insertInto("follows")
        .values({
          id: newId(),
          account_id: id,
          target_account_id: targetId,
          languages: null,
          uri: null,
          created_at: now,
        })
        .execute();
    },
    async waitForOne() {
      const started = Date.now();
      while (received.length === 0 && Date.now() - started < 15_000) await sleep(25);
      return received;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
