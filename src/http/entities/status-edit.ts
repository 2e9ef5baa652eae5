// StatusEdit and StatusSource (Mastodon 4.5). Kith keeps no poll, quote or custom emoji in the
// history, so those fields have their empty value.
import type { Config } from "../../config.ts";
import type { StatusSource, StatusVersion } from "../../domain/statuses/history.ts";
import { renderAccount } from "./account.ts";
import { renderMediaAttachment } from "./media-attachment.ts";

export function renderStatusEdit(config: Config, version: StatusVersion) {
  return {
    content: version.content,
    spoiler_text: version.spoilerText,
    sensitive: version.sensitive,
    created_at: version.createdAt,
    account: renderAccount(config, version.account),
    poll: null,
    media_attachments: version.media.map((m) => renderMediaAttachment(config, m)),
    emojis: [],
    quote: null,
  };
}

export function renderStatusSource(source: StatusSource) {
  return { id: source.id, text: source.text, spoiler_text: source.spoilerText };
}
