// For outbox-lazy.test.ts: a whole Kith (web and worker) on SQLite in this process; local
// users post, boost, favourite, pin, follow and edit their profile, and it prints which Fedify
// modules were loaded, before and after a post that has a remote follower to reach.
import { registerHooks } from "node:module";

const loaded = new Set<string>();
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (/^@(fedify|js-temporal)\//.test(specifier))
      loaded.add(specifier.split("/").slice(0, 2).join("/"));
    return nextResolve(specifier, context);
  },
});

const { startTestServer } = await import("../helpers/server.ts");
const { api, createUser } = await import("../helpers/users.ts");
const { startRecordingInboxWithoutFedify } = await import("./outbox-lazy-peer.ts");
const server = await startTestServer("sqlite");
const peer = await startRecordingInboxWithoutFedify();
try {
  const { ctx } = server.kith;
  const alice = await createUser(ctx, { username: "alice" });
  const lee = await createUser(ctx, { username: "lee" });
  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const r = await api(server.url, method, path, { token, body });
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.json)}`);
    return r.json;
  };
  const report = (step: string, extra: Record<string, unknown> = {}) =>
    process.stdout.write(`${JSON.stringify({ step, loaded: [...loaded].sort(), ...extra })}\n`);

  await call(lee.token, "POST", `/api/v1/accounts/${alice.accountId}/follow`);
  const status = await call(alice.token, "POST", "/api/v1/statuses", { status: "Hi #all" });
  await call(lee.token, "POST", `/api/v1/statuses/${status.id}/favourite`);
  await call(lee.token, "POST", `/api/v1/statuses/${status.id}/reblog`);
  await call(alice.token, "POST", `/api/v1/statuses/${status.id}/pin`);
  await call(alice.token, "PATCH", "/api/v1/accounts/update_credentials", { display_name: "A" });
  await call(alice.token, "DELETE", `/api/v1/statuses/${status.id}`);
  // The worker tells the outbox of each event after the answer: wait until it has heard all.
  for (let i = 0; i < 200; i++) {
    const pending = await ctx.db.kysely
      .selectFrom("jobs")
      .select("id")
      .where("queue", "=", "events")
      .execute();
    if (pending.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  report("local only");

  await peer.follow(ctx, alice.accountId);
  await call(alice.token, "POST", "/api/v1/statuses", { status: "Hello, world" });
  const received = await peer.waitForOne();
  report("remote follower", { received });
} finally {
  await server.stop();
  await peer.close();
}
