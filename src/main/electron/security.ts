// Electron hardening that applies to every window: one strict CSP, no navigation, no new windows,
// no webviews, no permissions, and a check that IPC comes from our own page's main frame.
import { app, session, type WebFrameMain } from 'electron';
import { contentSecurityPolicy } from '../../shared/csp';
import { fileURLToPath } from 'node:url';

/** The renderer's CSP, plus the dev server's socket while developing. */
function sessionPolicy(devServerUrl: string | undefined): string {
  return contentSecurityPolicy(devServerUrl ? [new URL(devServerUrl).origin.replace(/^http/, 'ws')] : []);
}

export function hardenSessions(devServerUrl: string | undefined): void {
  const csp = sessionPolicy(devServerUrl);
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
