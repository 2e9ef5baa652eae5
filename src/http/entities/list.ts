// The List, Conversation and Marker entities.
import type { Config } from "../../config.ts";
import type { ConversationView } from "../../domain/conversations/conversations.ts";
import type { ListRow } from "../../domain/lists/lists.ts";
import type { Marker } from "../../domain/markers.ts";
import { renderAccount } from "./account.ts";
import { renderStatus } from "./status.ts";

export const renderList = (l: ListRow) => ({
  id: l.id,
  title: l.title,
  replies_policy: l.replies_policy,
  exclusive: l.exclusive === 1,
});

export const renderConversation = (config: Config, c: ConversationView) => ({
  id: c.id,
  unread: c.unread,
  accounts: c.accounts.map((a) => renderAccount(config, a)),
  last_status: c.lastStatus ? renderStatus(config, c.lastStatus) : null,
});

export function renderMarkers(markers: Partial<Record<string, Marker>>) {
  const out: Record<string, { last_read_id: string; version: number; updated_at: string }> = {};
  for (const [timeline, m] of Object.entries(markers))
    if (m)
      out[timeline] = { last_read_id: m.lastReadId, version: m.version, updated_at: m.updatedAt };
  return out;
}
