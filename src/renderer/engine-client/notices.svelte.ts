// Short-lived messages about actions (a rename refused, a model moved to the trash), shown as
// toasts by the app shell, so views report outcomes without each owning a message area.

export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

const LIFETIME_MS = 6000;
let nextId = 1;

export const notices = $state<Notice[]>([]);

export function dismiss(id: number): void {
  const at = notices.findIndex((n) => n.id === id);
  if (at >= 0) notices.splice(at, 1);
}

export function notify(text: string, kind: Notice['kind'] = 'info'): void {
  const id = nextId++;
  notices.push({ id, kind, text });
  setTimeout(() => dismiss(id), kind === 'error' ? LIFETIME_MS * 2 : LIFETIME_MS);
}

/** The one-line message of whatever an engine call rejected with. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}
