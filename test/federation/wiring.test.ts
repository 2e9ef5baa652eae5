// The federation as wired into a running Kith (web and worker), on both databases: handles on
// another domain than the web server, and an activity sent through Fedify, queued in Kith's
// database and delivered, signed, by the worker.
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Follow } from "@fedify/vocab";
import { kithFederation } from "../../src/federation/federation.ts";
import { eachServer } from "../helpers/server.ts";
import { createUser } from "../helpers/users.ts";

interface Delivery {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

eachServer(
  "federation wiring",
  (server) => {
    let inbox: Server;
    let inboxUrl: string;
    const deliveries: Delivery[] = [];
    before(async () => {
      await createUser(server().kith.ctx, { username: "alice" });
      inbox = createServer((req, res) => {
        let body = "";
        req.on("data", (d) => (body += d));
        req.on("end", () => {
          deliveries.push({ url: req.url ?? "", headers: req.headers, body });
          res.writeHead(202).end();
        });
      });
      await new Promise<void>((r) => inbox.listen(0, "127.0.0.1", r));
      inboxUrl = `http://127.0.0.1:${(inbox.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((r) => inbox.close(() => r())));

    it("answers WebFinger for handles on the handle domain, with the actor on the web origin", async () => {
      const base = server().url;
      const r = await fetch(`${base}/.well-known/webfinger?resource=acct:alice@kith.test`);
      assert.equal(r.status, 200);
      const jrd = (await r.json()) as { subject: string; aliases: string[] };
      assert.equal(jrd.subject, "acct:alice@kith.test");
      assert.deepEqual(jrd.aliases, [`${base}/@alice`, `${base}/users/alice`]);
      const meta = await (await fetch(`${base}/.well-known/host-meta`)).text();
      assert.ok(meta.includes(`template="${base}/.well-known/webfinger?resource={uri}"`));
    });

    it("queues an outgoing activity in the database and the worker delivers it signed", async () => {
      const { ctx } = server().kith;
      const federation = kithFederation(ctx);
      const fctx = federation.createContext(new URL(ctx.config.origin), ctx);
      const actor = fctx.getActorUri("alice");
      await fctx.sendActivity(
        { identifier: "alice" },
        { id: new URL(`${inboxUrl}/users/bob`), inboxId: new URL(`${inboxUrl}/users/bob/inbox`) },
        new Follow({
          id: new URL(`${actor.href}#follows/${crypto.randomUUID()}`),
          actor,
          object: new URL(`${inboxUrl}/users/bob`),
        }),
      );
      const started = Date.now();
      while (deliveries.length === 0 && Date.now() - started < 15_000) await sleep(50);
      assert.equal(deliveries.length, 1);
      const [delivery] = deliveries;
      assert.equal(delivery!.url, "/users/bob/inbox");
      assert.match(
        String(delivery!.headers.signature),
        new RegExp(`keyId="${actor.href}#main-key"`),
      );
      const activity = JSON.parse(delivery!.body);
      assert.equal(activity.type, "Follow");
      assert.equal(activity.actor, actor.href);
      await sleep(200);
      const left = await ctx.db.kysely
        .selectFrom("jobs")
        .select("queue")
        .where("queue", "like", "%fedify%")
        .execute();
      assert.deepEqual(left, [], "the delivered message left the queue");
    });
  },
  { env: { KITH_DOMAIN: "kith.test" } },
);
