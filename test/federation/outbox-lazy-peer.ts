// For outbox-lazy-child.ts: a remote follower whose server only counts what it receives, built
// without Fedify (nor test helpers that import it) so that loading Fedify shows Kith's doing.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { newId } from "../../src/db/ids.ts";
import type { Context } from "../../src/domain/context.ts";
import { insertRemoteAccount } from "../helpers/accounts.ts";

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
      const id = await insertRemoteAccount(ctx.db, {
        username: "zed",
        domain: "peer.test",
        uri: `${origin}/users/zed`,
        inbox: `${origin}/users/zed/inbox`,
      });
      await ctx.db.kysely
        .insertInto("follows")
        .values({
          id: newId(),
          account_id: id,
          target_account_id: targetId,
          languages: null,
          uri: null,
          created_at: new Date().toISOString(),
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
