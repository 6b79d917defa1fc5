// The only bridge between the sandboxed window and the app: a handful of functions, no Electron
// objects. The engine port goes to the page by window.postMessage, the one way a MessagePort can
// cross from this isolated world into the page's world.
import { contextBridge, ipcRenderer } from 'electron';
import { ENGINE_PORT_MESSAGE, IPC, type PreloadApi } from '../shared/preload-api';

// The page's window as the preload sees it (the node-side tsconfig has no DOM types, on purpose).
declare const window: { postMessage(message: unknown, targetOrigin: string, transfer: readonly unknown[]): void };

ipcRenderer.on(IPC.port, (event) => {
  window.postMessage({ type: ENGINE_PORT_MESSAGE }, '*', event.ports);
});

const api: PreloadApi = {
  connect: () => ipcRenderer.send(IPC.connect),
  restartEngine: () => ipcRenderer.invoke(IPC.restart),
  onEngineExited(listener) {
    const handler = (_event: unknown, exit: Parameters<typeof listener>[0]) => listener(exit);
    ipcRenderer.on(IPC.exited, handler);
    return () => void ipcRenderer.off(IPC.exited, handler);
  },
  onEngineRestarted(listener) {
    const handler = (_event: unknown, notice: Parameters<typeof listener>[0]) => listener(notice);
    ipcRenderer.on(IPC.restarted, handler);
    return () => void ipcRenderer.off(IPC.restarted, handler);
  },
  revealPath: (path) => ipcRenderer.invoke(IPC.reveal, String(path)),
};

contextBridge.exposeInMainWorld('latentExplorer', api);
