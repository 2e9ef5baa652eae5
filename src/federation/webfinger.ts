// Fedify's WebFinger answer, reshaped the way Mastodon answers: the subject is always the
// canonical acct: handle, whatever was asked for (a profile URL, the actor URI, a handle in
// other letter case), and the aliases are the profile page and the actor URI.

interface Jrd {
  subject?: string;
  aliases?: string[];
  links?: { rel?: string; href?: string }[];
}

/** `origin` is the web origin, `handleHost` the domain of handles (they may differ). */
export async function canonicalWebFinger(
  response: Response,
  origin: string,
  handleHost: string,
): Promise<Response> {
  const jrd = (await response.json()) as Jrd;
  const links = jrd.links ?? [];
  const actor = links.find((l) => l.rel === "self")?.href;
  const profile = links.find((l) => l.rel === "http://webfinger.net/rel/profile-page")?.href;
  const aliases = jrd.aliases ?? [];
  // Local actors live at /users/{username}, so the actor URI gives the stored spelling.
  const local = actor?.startsWith(`${origin}/users/`)
    ? decodeURIComponent(actor.slice(origin.length + 7))
    : null;
  const subject =
    local && !local.includes("/") ? `acct:${local}@${handleHost}` : (jrd.subject ?? undefined);
  const body: Jrd = {
    ...(subject ? { subject } : {}),
    aliases: [...new Set([profile, actor, ...aliases].filter((a): a is string => !!a))].filter(
      (a) => a !== subject,
    ),
    links,
  };
  const headers = new Headers(response.headers);
  headers.delete("Content-Length");
  return new Response(JSON.stringify(body), { status: response.status, headers });
}
