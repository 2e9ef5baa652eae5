// NodeInfo: 2.1 through Fedify's dispatcher; 2.0 (what Mastodon serves, and what some crawlers
// and clients read) and the /.well-known/nodeinfo list of both are rendered here from the same
// data, since Fedify speaks only 2.1.
import type { Federation, NodeInfo } from "@fedify/fedify";
import { nodeInfoToJson } from "@fedify/fedify/nodeinfo";
import type { Context as KithContext } from "../domain/context.ts";
import { instanceUsage } from "../domain/instance-usage.ts";
import { KITH_VERSION, MASTODON_COMPATIBLE_VERSION } from "../version.ts";

const SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/";

export async function nodeInfo(kith: KithContext): Promise<NodeInfo> {
  const { config } = kith;
  const usage = await instanceUsage(kith);
  return {
    software: {
      name: "kith",
      version: KITH_VERSION,
      ...(URL.canParse(config.sourceUrl) ? { repository: new URL(config.sourceUrl) } : {}),
    },
    protocols: ["activitypub"],
    services: { inbound: [], outbound: [] },
    // Mastodon counts sign-ups that need approval as open.
    openRegistrations: config.registrations !== "closed",
    usage: {
      users: {
        total: usage.users,
        activeMonth: usage.activeMonth,
        activeHalfyear: usage.activeHalfyear,
      },
      localPosts: usage.localPosts,
      localComments: 0,
    },
    metadata: {
      nodeName: config.title,
      nodeDescription: config.description,
      // Clients built on megalodon accept an unknown server whose upstream is Mastodon.
      upstream: { name: "mastodon", version: MASTODON_COMPATIBLE_VERSION },
    },
  };
}

export function registerNodeInfo(federation: Federation<KithContext>): void {
  federation.setNodeInfoDispatcher("/nodeinfo/2.1", (fctx) => nodeInfo(fctx.data));
}

/** The NodeInfo 2.0 document: 2.1 without the fields 2.0 does not have. */
export async function nodeInfo20Response(kith: KithContext): Promise<Response> {
  const { $schema: _, ...doc } = nodeInfoToJson(await nodeInfo(kith)) as Record<string, unknown>;
  const software = doc.software as Record<string, unknown>;
  const body = {
    ...doc,
    version: "2.0",
    software: { name: software.name, version: software.version },
  };
  return Response.json(body, {
    headers: {
      "Content-Type": `application/json; profile="${SCHEMA}2.0#"`,
      "Access-Control-Allow-Origin": "*",
    },
  });
}

export function nodeInfoLinksResponse(kith: KithContext): Response {
  const { origin } = kith.config;
  return Response.json(
    {
      links: ["2.0", "2.1"].map((v) => ({ rel: `${SCHEMA}${v}`, href: `${origin}/nodeinfo/${v}` })),
    },
    { headers: { "Access-Control-Allow-Origin": "*" } },
  );
}
