// The RemoteLookup that search's `resolve=true` uses (see domain/search/resolve.ts), given to
// the domain in the Context by main.ts. Light on purpose: Fedify and the remote code load with
// the first look-up, not with the process.
import type { Context as KithContext } from "../domain/context.ts";
import type { RemoteLookup } from "../domain/search/resolve.ts";
import type { LookupOptions } from "./remote/lookup.ts";

export function remoteLookup(kith: KithContext, options: LookupOptions = {}): RemoteLookup {
  const load = () => import("./remote/lookup.ts");
  return {
    account: async (handle) => (await load()).lookupHandle(kith, handle, options),
    object: async (url) => (await load()).lookupObject(kith, url, options),
  };
}
