// Electron hardening that applies to every window: one strict CSP, no navigation, no new windows,
// no webviews, no permissions, and a check that IPC comes from our own page's main frame.
import { app, session, type WebFrameMain } from 'electron';
import { fileURLToPath } from 'node:url';

/** Scripts only from the app itself; connections only to itself (and the dev server's socket). */
export function contentSecurityPolicy(devServerUrl: string | undefined): string {
  const devConnect = devServerUrl ? ` ${new URL(devServerUrl).origin.replace(/^http/, 'ws')}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    `connect-src 'self'${devConnect}`,
    "img-src 'self' data: blob:",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function hardenSessions(devServerUrl: string | undefined): void {
  const csp = contentSecurityPolicy(devServerUrl);
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

/** True only for the main frame of our own renderer page (built file, or the dev server in development). */
export function isTrustedSender(frame: WebFrameMain | null, rendererIndex: string, devServerUrl: string | undefined): boolean {
  if (!frame || frame.parent) return false;
  let url: URL;
  try {
    url = new URL(frame.url);
  } catch {
    return false;
  }
  if (devServerUrl) return url.origin === new URL(devServerUrl).origin;
  return url.protocol === 'file:' && fileURLToPath(url) === rendererIndex;
}
