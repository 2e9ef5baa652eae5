// /.well-known/host-meta (XRD) and host-meta.json (JRD, Mastodon 4.3): where this server's
// WebFinger lives. Needed by peers when handles use another domain than the web server.
// Plain text, so served without loading Fedify.

function template(origin: string): string {
  return `${origin}/.well-known/webfinger?resource={uri}`;
}

const escapeXml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function hostMetaXml(origin: string): Response {
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">
  <Link rel="lrdd" template="${escapeXml(template(origin))}"/>
</XRD>
`;
  return new Response(body, {
    headers: {
      "Content-Type": "application/xrd+xml; charset=utf-8",
      "Access-Control-Allow-Origin": "*",
    },
  });
}

export function hostMetaJson(origin: string): Response {
  return Response.json(
    { links: [{ rel: "lrdd", template: template(origin) }] },
    { headers: { "Access-Control-Allow-Origin": "*" } },
  );
}
