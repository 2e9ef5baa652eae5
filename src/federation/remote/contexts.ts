// JSON-LD contexts for parsing remote documents without ever blocking on them: Fedify's
// preloaded contexts first (ActivityStreams, security, Mastodon's and GoToSocial's…), http
// spellings of those mapped to them, then the server's own loader; a context that cannot be
// had (Pleroma's per-host LitePub context, Kroeg's own) is replaced by one that defines the
// extension terms Mastodon, Pleroma and Misskey use, rather than failing the whole document.
import { type DocumentLoader, preloadedContexts } from "@fedify/fedify";

const AS = "https://www.w3.org/ns/activitystreams";
const SECURITY = "https://w3id.org/security/v1";

/** The extension terms of Mastodon's, LitePub's and Misskey's contexts. */
export const EXTENSION_TERMS = {
  as: "https://www.w3.org/ns/activitystreams#",
  toot: "http://joinmastodon.org/ns#",
  litepub: "http://litepub.social/ns#",
  misskey: "https://misskey-hub.net/ns#",
  fedibird: "http://fedibird.com/ns#",
  schema: "http://schema.org#",
  Hashtag: "as:Hashtag",
  sensitive: "as:sensitive",
  manuallyApprovesFollowers: "as:manuallyApprovesFollowers",
  movedTo: { "@id": "as:movedTo", "@type": "@id" },
  alsoKnownAs: { "@id": "as:alsoKnownAs", "@type": "@id" },
  quoteUrl: "as:quoteUrl",
  Emoji: "toot:Emoji",
  featured: { "@id": "toot:featured", "@type": "@id" },
  featuredTags: { "@id": "toot:featuredTags", "@type": "@id" },
  discoverable: "toot:discoverable",
  indexable: "toot:indexable",
  memorial: "toot:memorial",
  suspended: "toot:suspended",
  blurhash: "toot:blurhash",
  votersCount: "toot:votersCount",
  PropertyValue: "schema:PropertyValue",
  value: "schema:value",
  EmojiReact: "litepub:EmojiReact",
  ChatMessage: "litepub:ChatMessage",
  directMessage: "litepub:directMessage",
  quoteUri: "fedibird:quoteUri",
  _misskey_quote: "misskey:_misskey_quote",
  _misskey_content: "misskey:_misskey_content",
  _misskey_reaction: "misskey:_misskey_reaction",
};

export const EXTENSIONS_CONTEXT = { "@context": [AS, SECURITY, EXTENSION_TERMS] };

const ALIASES: Record<string, string> = {
  "http://www.w3.org/ns/activitystreams": AS,
  "https://www.w3.org/ns/activitystreams.jsonld": AS,
  "http://w3id.org/security/v1": SECURITY,
};

/** Wraps a context loader so that no unknown or unreachable context fails a parse. */
export function tolerantContextLoader(base: DocumentLoader): DocumentLoader {
  return async (url, options) => {
    const known = preloadedContexts[ALIASES[url] ?? url];
    if (known) return { contextUrl: null, documentUrl: url, document: known };
    if (/\/schemas\/litepub-[\d.]+\.jsonld$/.test(url))
      return { contextUrl: null, documentUrl: url, document: EXTENSIONS_CONTEXT };
    try {
      return await base(url, options);
    } catch {
      return { contextUrl: null, documentUrl: url, document: EXTENSIONS_CONTEXT };
    }
  };
}
