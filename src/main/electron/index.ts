// Electron main: hardens the session, starts the engine in a utility process, opens the window
// and answers its few IPC requests. All engine work happens in the utility process.
import { app, BrowserWindow, webContents } from 'electron';
import { join } from 'node:path';
import { IPC } from '../../shared/preload-api';
import { broadcastToWindows, registerAppIpc } from './app-ipc';
import { createEngineUtility } from './engine-utility';
import { logLine, mainLogPath } from './main-log';
import { hardenSessions, isTrustedSender } from './security';

const here = import.meta.dirname;
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const rendererIndex = join(here, '../renderer/index.html');

app.enableSandbox();

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1360,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'Latent Explorer',
    backgroundColor: '#111317',
    show: false,
    webPreferences: {
      // Reviewed: the preload exposes only the PreloadApi functions, and main checks every sender.
      preload: join(here, '../preload/index.cjs'), /* eng-disable PRELOAD_JS_CHECK */
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click would open links in new windows, bypassing will-navigate.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => {
    window.show();
    logLine('window ready'); // scripts/start.js reads this line: from here on the launch worked
  });
  if (devServerUrl) void window.loadURL(devServerUrl);
  else void window.loadFile(rendererIndex);
  return window;
}

async function start(): Promise<void> {
  await app.whenReady();
  logLine(`starting ${app.getVersion()} (Electron ${process.versions.electron}, Node ${process.versions.node}); log file ${mainLogPath()}`);
  hardenSessions(devServerUrl);
  const modelsDir = join(app.getPath('userData'), 'models');
  const bundledDir = app.isPackaged ? join(process.resourcesPath, 'models') : join(app.getAppPath(), 'resources', 'models');
  const engine = createEngineUtility(join(here, 'engine-process.js'), { modelsDir, bundledDir }, {
    onExit: (exit) => broadcastToWindows(webContents.getAllWebContents(), IPC.exited, exit),
    onRestarted: (notice) => broadcastToWindows(webContents.getAllWebContents(), IPC.restarted, notice),
  });
  registerAppIpc({
    engine,
    modelsDir,
    bundledDir,
    isTrusted: (event) => isTrustedSender(event.senderFrame, rendererIndex, devServerUrl),
  });
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  app.on('before-quit', () => void engine.stop());
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

start().catch((error: unknown) => {
  logLine(`could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  app.exit(1);
});
