// What travels between the process where something happened and the processes holding
// streaming connections: IDs only, never rendered entities, since each recipient sees a status
// its own way and PostgreSQL's NOTIFY carries at most 8000 bytes. The receiving side loads and
// checks everything afresh (http/streaming/hub.ts), so a message never grants access.

export type StreamMessage =
  /** A status was created or edited. `homes`: local accounts whose home feed it just entered
   *  (their `user` streams); `timelines`: also offer it to public, hashtag and list streams;
   *  `homeHolders`: also to every connected `user` stream whose home feed holds it (edits). */
  | {
      kind: "status";
      statusId: string;
      event: "update" | "status.update";
      homes?: string[];
      timelines?: boolean;
      homeHolders?: boolean;
    }
  /** A status is gone. `homes`: the accounts whose feeds held it; `timelines`: what list,
   *  public and hashtag streams need to know whether they may have carried it. */
  | { kind: "delete"; statusId: string; homes: string[]; timelines?: TimelineFacts }
  | { kind: "notification"; notificationId: string; accountId: string }
  | { kind: "conversation"; conversationId: string; accountId: string }
  /** The account's keyword filters changed (its `user` streams get `filters_changed`). */
  | { kind: "filters"; accountId: string };

export interface TimelineFacts {
  authorId: string;
  /** a public original (not a reblog): public and hashtag streams carried it */
  public: boolean;
  local: boolean;
  /** its hashtags, lower-cased */
  tags: string[];
}

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; stay clear of it. */
export const MAX_PAYLOAD_BYTES = 7_000;

/**
 * The message as one or more JSON payloads under the size limit: a long `homes` list is cut
 * into several messages (an ID is at most ~20 bytes, so a few hundred fit in each).
 */
export function encodeMessages(message: StreamMessage): string[] {
  const whole = JSON.stringify(message);
  if (Buffer.byteLength(whole) <= MAX_PAYLOAD_BYTES || !("homes" in message) || !message.homes)
    return [whole];
  const homes = message.homes;
  const overhead = Buffer.byteLength(JSON.stringify({ ...message, homes: [] }));
  const longest = Math.max(...homes.map((id) => Buffer.byteLength(JSON.stringify(id))));
  const perPart = Math.max(1, Math.floor((MAX_PAYLOAD_BYTES - overhead) / (longest + 1)));
  const parts: string[] = [];
  for (let i = 0; i < homes.length; i += perPart) {
    // Only the first part offers the status to the other streams.
    const rest = i === 0 ? {} : { timelines: undefined, homeHolders: undefined };
    parts.push(JSON.stringify({ ...message, ...rest, homes: homes.slice(i, i + perPart) }));
  }
  return parts;
}

export function decodeMessage(payload: string): StreamMessage | null {
  try {
    const value = JSON.parse(payload) as StreamMessage;
    return value && typeof value === "object" && typeof value.kind === "string" ? value : null;
  } catch {
    return null;
  }
}
