// What the write paths call to tell streaming clients, wherever they are connected (bus.ts).
// Each call is cheap and publishes IDs; the receiving process decides who sees what.
import type { Context } from "../context.ts";
import { publishStream } from "./bus.ts";

/** The status just entered these accounts' home feeds. */
export async function streamToHomes(
  ctx: Context,
  statusId: string,
  accountIds: readonly string[],
): Promise<void> {
  if (accountIds.length === 0) return;
  await publishStream(ctx, { kind: "status", statusId, event: "update", homes: [...accountIds] });
}

/** A new status (local or received): offered to the public, hashtag and list streams. */
export async function streamNewStatus(ctx: Context, statusId: string): Promise<void> {
  await publishStream(ctx, { kind: "status", statusId, event: "update", timelines: true });
}

/** An edited status: `status.update` wherever the status was streamed (and is still held). */
export async function streamEditedStatus(ctx: Context, statusId: string): Promise<void> {
  await publishStream(ctx, {
    kind: "status",
    statusId,
    event: "status.update",
    timelines: true,
    homeHolders: true,
  });
}

export async function streamNotification(
  ctx: Context,
  notificationId: string,
  accountId: string,
): Promise<void> {
  await publishStream(ctx, { kind: "notification", notificationId, accountId });
}

export async function streamConversation(
  ctx: Context,
  conversationId: string,
  accountId: string,
): Promise<void> {
  await publishStream(ctx, { kind: "conversation", conversationId, accountId });
}

/** The account's keyword filters changed: its `user` streams get `filters_changed`. */
export async function streamFiltersChanged(ctx: Context, accountId: string): Promise<void> {
  await publishStream(ctx, { kind: "filters", accountId });
}
