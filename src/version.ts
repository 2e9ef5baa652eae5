// Kith's version, and the Mastodon version whose client API it speaks. Clients read the
// leading Mastodon version from the instance API to decide which features to use.
import pkg from "../package.json" with { type: "json" };

export const KITH_VERSION: string = pkg.version;
export const MASTODON_API_VERSION = 7;
export const MASTODON_COMPATIBLE_VERSION = "4.5.0";
export const VERSION_STRING = `${MASTODON_COMPATIBLE_VERSION} (compatible; Kith ${KITH_VERSION})`;
