// Turns one bus message into what each connected client receives. The domain decides whether
// a viewer gets a status on a stream (domain/streaming/deliver.ts: the REST timelines' own
// queries), and the REST entities render it, once per (viewer, stream) however many of the
// viewer's connections listen.
import type { Context } from "../../domain/context.ts";
import {
  conversationForStream,
  homeFeedHolders,
  listsHolding,
  mayCarry,
  notificationForStream,
  statusForStream,
  statusGone,
  timelineFacts,
} from "../../domain/streaming/deliver.ts";
import type { StreamMessage } from "../../domain/streaming/messages.ts";
import { type StreamSpec, streamKey, streamLabel } from "../../domain/streaming/streams.ts";
import type { Viewer } from "../../domain/viewer.ts";
import { logger } from "../../logging.ts";
import { renderConversation } from "../entities/list.ts";
import { renderNotification } from "../entities/notification.ts";
import { renderStatus } from "../entities/status.ts";
import { mayReadNotifications } from "./auth.ts";
import type { StreamClient } from "./client.ts";

const log = logger("streaming");

export interface ClientDirectory {
  ofAccount(accountId: string): Iterable<StreamClient>;
  all(): Iterable<StreamClient>;
}

/** Clients sharing a viewer and a stream: one decision and one rendering for all of them. */
interface Target {
  viewer: Viewer;
  spec: StreamSpec;
  clients: StreamClient[];
}

export async function dispatch(
  ctx: Context,
  clients: ClientDirectory,
  message: StreamMessage,
): Promise<void> {
  switch (message.kind) {
    case "status":
      return dispatchStatus(ctx, clients, message);
    case "delete":
      return dispatchDelete(ctx, clients, message);
    case "notification":
      return dispatchNotification(ctx, clients, message.accountId, message.notificationId);
    case "conversation": {
      const { accountId, conversationId } = message;
      const listening = [...clients.ofAccount(accountId)].filter((c) => c.has("direct"));
      if (listening.length === 0) return;
      const view = await conversationForStream(ctx, listening[0]!.auth.viewer, conversationId);
      if (!view) return;
      const payload = JSON.stringify(renderConversation(ctx.config, view));
      for (const client of listening) client.send(["direct"], "conversation", payload);
      return;
    }
    case "filters":
      for (const client of clients.ofAccount(message.accountId))
        if (client.has("user")) client.send(["user"], "filters_changed", undefined);
      return;
  }
}

async function dispatchStatus(
  ctx: Context,
  clients: ClientDirectory,
  message: Extract<StreamMessage, { kind: "status" }>,
): Promise<void> {
  const targets = new Targets();
  for (const accountId of message.homes ?? [])
    for (const client of clients.ofAccount(accountId))
      if (client.has("user")) targets.add(client, { name: "user" });
  if (message.homeHolders) {
    const listening = [...clients.all()].filter((c) => c.has("user"));
    const accounts = [...new Set(listening.map((c) => c.auth.viewer.accountId))];
    const holders = new Set(await homeFeedHolders(ctx, message.statusId, accounts));
    for (const client of listening)
      if (holders.has(client.auth.viewer.accountId)) targets.add(client, { name: "user" });
  }
  if (message.timelines) {
    const facts = await timelineFacts(ctx, message.statusId);
    if (facts)
      for (const client of clients.all())
        for (const spec of client.specs())
          if (spec.name === "list" || mayCarry(spec, facts)) targets.add(client, spec);
  }
  // SQLite answers one query at a time anyway; PostgreSQL's pool can take a few viewers at once.
  const parallel = ctx.db.dialect === "postgres" ? 4 : 1;
  await eachWithLimit([...targets.all()], parallel, async (target) => {
    const view = await statusForStream(ctx, target.viewer, target.spec, message.statusId);
    if (!view) return;
    const payload = JSON.stringify(renderStatus(ctx.config, view));
    const label = streamLabel(target.spec);
    for (const client of target.clients) client.send(label, message.event, payload);
  });
}

async function eachWithLimit<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      // One viewer's failure (logged) does not keep the status from the others.
      await work(item).catch((error) => {
        log.error("Could not stream a status: {error}", { error: String(error) });
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

async function dispatchDelete(
  ctx: Context,
  clients: ClientDirectory,
  message: Extract<StreamMessage, { kind: "delete" }>,
): Promise<void> {
  // Told before the commit (SQLite) or of a rolled-back delete: only a status truly gone.
  if (!(await statusGone(ctx, message.statusId))) return;
  const told = new Set<StreamClient>();
  const tell = (client: StreamClient, spec: StreamSpec) => {
    client.send(streamLabel(spec), "delete", message.statusId);
    told.add(client);
  };
  for (const accountId of message.homes)
    for (const client of clients.ofAccount(accountId))
      if (client.has("user")) tell(client, { name: "user" });
  const facts = message.timelines;
  if (!facts) return;
  const listSpecs: { client: StreamClient; spec: Extract<StreamSpec, { name: "list" }> }[] = [];
  for (const client of clients.all())
    for (const spec of client.specs()) {
      if (spec.name === "list") listSpecs.push({ client, spec });
      else if (mayCarry(spec, facts)) tell(client, spec);
    }
  if (listSpecs.length === 0) return;
  const lists = await listsHolding(
    ctx,
    facts.authorId,
    listSpecs.map((l) => l.spec.list),
  );
  for (const { client, spec } of listSpecs) if (lists.has(spec.list)) tell(client, spec);
}

async function dispatchNotification(
  ctx: Context,
  clients: ClientDirectory,
  accountId: string,
  notificationId: string,
): Promise<void> {
  const listening = [...clients.ofAccount(accountId)].filter(
    (c) => c.has("user:notification") || (c.has("user") && mayReadNotifications(c.auth)),
  );
  if (listening.length === 0) return;
  const found = await notificationForStream(ctx, listening[0]!.auth.viewer, notificationId);
  const rendered = found && renderNotification(ctx.config, found.row, found.views);
  if (!rendered) return;
  const payload = JSON.stringify(rendered);
  for (const client of listening) {
    if (client.has("user:notification"))
      client.send(["user:notification"], "notification", payload);
    if (client.has("user") && mayReadNotifications(client.auth))
      client.send(["user"], "notification", payload);
  }
}

class Targets {
  readonly #byKey = new Map<string, Target>();

  add(client: StreamClient, spec: StreamSpec): void {
    const key = `${client.auth.viewer.accountId}\u0001${streamKey(spec)}`;
    const target = this.#byKey.get(key);
    if (!target) this.#byKey.set(key, { viewer: client.auth.viewer, spec, clients: [client] });
    else if (!target.clients.includes(client)) target.clients.push(client);
  }

  all(): Iterable<Target> {
    return this.#byKey.values();
  }
}
