// The one Content-Security-Policy of the renderer, for the Electron session and the web-mode
// server alike: scripts only from the app itself, connections only to itself plus `connectTo`.
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
