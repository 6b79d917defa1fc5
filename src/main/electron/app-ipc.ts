// The window's IPC requests to main, each refused unless it comes from our own page: engine
// connection and restart, and showing a model folder in the file manager (deleting goes through
// the engine, which moves it to the OS trash). Paths from the renderer are untrusted: they must
// resolve to a folder inside the models folders.
import { ipcMain, MessageChannelMain, shell, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { IPC } from '../../shared/preload-api';
import type { EngineUtility } from './engine-utility';
import { modelFolderWithin } from './model-folders';

export interface AppIpcOptions {
  engine: EngineUtility;
  modelsDir: string;
  bundledDir: string;
  isTrusted(event: IpcMainEvent | IpcMainInvokeEvent): boolean;
}

export function registerAppIpc({ engine, modelsDir, bundledDir, isTrusted }: AppIpcOptions): void {
  const refuse = () => {
    throw new Error('request refused: it did not come from the app window');
  };

  ipcMain.on(IPC.connect, (event) => {
    if (!isTrusted(event)) return;
    const { port1, port2 } = new MessageChannelMain();
    if (engine.connect(port1)) event.sender.postMessage(IPC.port, null, [port2]);
    else if (engine.lastExit) event.sender.send(IPC.exited, engine.lastExit);
  });

  ipcMain.handle(IPC.restart, async (event) => {
    if (!isTrusted(event)) refuse();
    await engine.restart();
  });

  ipcMain.handle(IPC.reveal, (event, path: unknown) => {
    if (!isTrusted(event)) refuse();
    const folder = modelFolderWithin(path, [modelsDir, bundledDir]);
    if (!folder) throw new Error('only model folders can be revealed');
    shell.showItemInFolder(folder);
  });
}

/** Tells every window that the engine stopped (each offers a restart) or was restarted (each connects again). */
export function broadcastToWindows(windows: WebContents[], channel: typeof IPC.exited | typeof IPC.restarted, payload: unknown): void {
  for (const contents of windows) contents.send(channel, payload);
}
