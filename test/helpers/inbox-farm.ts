// Many fake remote instances on loopback that only take deliveries, for tests and benchmarks
// of outbound fan-out at scale: each instance is its own HTTP server (its own port, so its own
// origin and host to Kith) that accepts POSTs to `/inbox` and `/users/NAME/inbox` and records
// the activity's id and type per inbox. Signatures are not verified (recording-inbox.ts does
// that for the small tests); only whether a Signature header came is noted.
//
// `hold()` makes further POSTs be recorded but left unanswered until `release()`: a sender
// killed while they wait has delivered them without knowing it, which is what a crash looks
// like from the receiving side.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "kysely";
import { newId } from "../../src/db/ids.ts";
import type { Context } from "../../src/domain/context.ts";

export interface Arrival {
  /** Full URL of the inbox POSTed to. */
  inbox: string;
  activityId: string | null;
  type: string | null;
  objectId: string | null;
  signed: boolean;
  /** performance.now() when the body had arrived */
  at: number;
  /** Whether it was answered (false while held, and for ever if the sender went away). */
  answered: boolean;
}

export interface FakeInstance {
  origin: string;
  /** host:port, as Kith records the account's domain */
  domain: string;
  sharedInbox: string;
  inbox(username: string): string;
  actor(username: string): string;
}

export interface InboxFarm {
  instances: FakeInstance[];
  arrivals: Arrival[];
  /** Leave further POSTs unanswered until release(). */
  hold(): void;
  release(): void;
  /** Activity ids received, per inbox URL. */
  byInbox(): Map<string, string[]>;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

export async function startInboxFarm(options: {
  instances: number;
  /** Each answer waits this long (a slow remote server). */
  delayMs?: number;
}): Promise<InboxFarm> {
  const arrivals: Arrival[] = [];
  const delayMs = options.delayMs ?? 0;
  let held: (() => void)[] | null = null;
  const release = () => {
    const waiting = held ?? [];
    held = null;
    for (const resolve of waiting) resolve();
  };

  const handle: Parameters<typeof createServer>[1] = (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on("end", async () => {
      const path = req.url ?? "/";
      const isInbox = path === "/inbox" || /^\/users\/[^/]+\/inbox$/.test(path);
      if (req.method !== "POST" || !isInbox) return res.writeHead(404).end();
      // biome-ignore lint/suspicious/noExplicitAny: only a few fields are read
      let activity: any = null;
      try {
        activity = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {}
      const object = activity?.object;
      const arrival: Arrival = {
        inbox: `http://${req.headers.host}${path}`,
        activityId: typeof activity?.id === "string" ? activity.id : null,
        type: typeof activity?.type === "string" ? activity.type : null,
        objectId: typeof object === "string" ? object : (object?.id ?? null),
        signed: typeof req.headers.signature === "string",
        at: performance.now(),
        answered: false,
      };
      arrivals.push(arrival);
      if (held) await new Promise<void>((resolve) => held!.push(resolve));
      if (delayMs > 0) await sleep(delayMs);
      arrival.answered = !res.destroyed;
      res.writeHead(202).end();
    });
  };

  const servers: Server[] = [];
  const instances: FakeInstance[] = [];
  for (let i = 0; i < options.instances; i++) {
    const server = createServer(handle);
    // A dead sender's sockets are reset; nothing to do about it here.
    server.on("clientError", (_error, socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.push(server);
    const { port } = server.address() as AddressInfo;
    const origin = `http://127.0.0.1:${port}`;
    instances.push({
      origin,
      domain: `127.0.0.1:${port}`,
      sharedInbox: `${origin}/inbox`,
      inbox: (username) => `${origin}/users/${username}/inbox`,
      actor: (username) => `${origin}/users/${username}`,
    });
  }

  return {
    instances,
    arrivals,
    hold() {
      held ??= [];
    },
    release,
    byInbox() {
      const map = new Map<string, string[]>();
      for (const a of arrivals) {
        const ids = map.get(a.inbox) ?? [];
        ids.push(a.activityId ?? "(none)");
        map.set(a.inbox, ids);
      }
      return map;
    },
    async close() {
      release();
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      );
    },
  };
}

export interface RemoteFollower {
  username: string;
  instance: FakeInstance;
  /** Whether the account advertises its instance's shared inbox. */
  shared: boolean;
}

/**
 * Stores each follower as a remote account on its fake instance following `targetId` (rows
 * only, in one transaction: no Follow activity, no events), and returns the inboxes a post to
 * followers must reach: the shared inbox of every instance with a `shared` follower, and the
 * personal inbox of every other follower.
 */
export async function addRemoteFollowers(
  ctx: Context,
  targetId: string,
  followers: readonly RemoteFollower[],
): Promise<Set<string>> {
  const now = new Date().toISOString();
  const inboxes = new Set<string>();
  const accounts = followers.map((f) => {
    const sharedInbox = f.shared ? f.instance.sharedInbox : null;
    const inbox = f.instance.inbox(f.username);
    inboxes.add(sharedInbox ?? inbox);
    return {
      id: newId(),
      username: f.username,
      domain: f.instance.domain,
      uri: f.instance.actor(f.username),
      inbox_url: inbox,
      shared_inbox_url: sharedInbox,
      created_at: now,
      updated_at: now,
    };
  });
  const follows = accounts.map((a) => ({
    id: newId(),
    account_id: a.id,
    target_account_id: targetId,
    languages: null,
    uri: null,
    created_at: now,
  }));
  await ctx.db.kysely.transaction().execute(async (trx) => {
    // Chunks stay below SQLite's limit of bound parameters per statement.
    for (let i = 0; i < accounts.length; i += 200) {
      await trx
        .insertInto("accounts")
        .values(accounts.slice(i, i + 200))
        .execute();
      await trx
        .insertInto("follows")
        .values(follows.slice(i, i + 200))
        .execute();
    }
    await trx
      .updateTable("accounts")
      .set({ followers_count: sql`followers_count + ${followers.length}` })
      .where("id", "=", targetId)
      .execute();
  });
  return inboxes;
}
