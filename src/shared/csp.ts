// The one Content-Security-Policy of the renderer, for the Electron session, the web-mode server
// and the page's own <meta> tag alike: scripts only from the app itself, connections only to itself
// plus `connectTo`. Pages loaded from file:// (the packaged app) get no response headers, so for
// them the meta tag is the whole policy: it allows no WebSocket ('self' covers web mode's socket,
// which goes back to the page's own host and port).
export function contentSecurityPolicy(connectTo: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    ["connect-src 'self'", ...connectTo].join(' '),
    "img-src 'self' data: blob:",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The policy as a <meta> tag can carry it (browsers ignore frame-ancestors there, with a warning). */
export function metaContentSecurityPolicy(): string {
  return contentSecurityPolicy()
    .split('; ')
    .filter((directive) => !directive.startsWith('frame-ancestors'))
    .join('; ');
}
