/**
 * Reminder notifications. Every push shows a notification, whatever its
 * payload (Safari revokes the subscription of a site that stays silent);
 * a tap focuses the open app or opens today's check-in.
 */

export interface ReminderPayload {
  title: string;
  body: string;
  url: string;
  tag: string;
}

export const DEFAULT_PAYLOAD: ReminderPayload = {
  title: 'Time for your check-in',
  body: 'How are you today? It takes 30 seconds.',
  url: '/checkin',
  tag: 'daily-checkin',
};

function text(value: unknown, fallback: string, max: number): string {
  return typeof value === 'string' && value.trim() ? value.trim().slice(0, max) : fallback;
}

/** Only a same-origin path: a push payload must not send the patient elsewhere. */
export function safePath(value: unknown, fallback: string = DEFAULT_PAYLOAD.url): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) {
    return fallback;
  }
  return value;
}

/** Reads `{title, body, url, tag}`; missing fields, text or garbage fall back to the defaults. */
export function parsePayload(raw: string | null): ReminderPayload {
  if (!raw) return DEFAULT_PAYLOAD;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ...DEFAULT_PAYLOAD, body: text(raw, DEFAULT_PAYLOAD.body, 300) };
  }
  if (!data || typeof data !== 'object') return DEFAULT_PAYLOAD;
  const fields = data as Record<string, unknown>;
  return {
    title: text(fields.title, DEFAULT_PAYLOAD.title, 120),
    body: text(fields.body, DEFAULT_PAYLOAD.body, 300),
    url: safePath(fields.url),
    tag: text(fields.tag, DEFAULT_PAYLOAD.tag, 64),
  };
}

function readData(data: PushMessageData | null): string | null {
  try {
    return data ? data.text() : null;
  } catch {
    return null;
  }
}

export function showPushNotification(registration: ServiceWorkerRegistration, data: PushMessageData | null): Promise<void> {
  const payload = parsePayload(readData(data));
  return registration.showNotification(payload.title, {
    body: payload.body,
    tag: payload.tag,
    icon: '/icons/icon-192.png',
    badge: '/icons/maskable-192.png',
    data: { url: payload.url },
  });
}

export async function openFromNotification(
  scope: ServiceWorkerGlobalScope,
  event: NotificationEvent,
): Promise<void> {
  event.notification.close();
  const url = safePath((event.notification.data as { url?: unknown } | null)?.url);
  const windows = await scope.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const patientWindow = windows.find((client) => {
    const path = new URL(client.url).pathname;
    return new URL(client.url).origin === scope.location.origin && !/^\/clinic(\/|$)/.test(path);
  });
  if (patientWindow) {
    const focused = await patientWindow.focus().catch(() => patientWindow);
    // The app routes in place (no reload over a half-filled form).
    focused.postMessage({ type: 'NAVIGATE', url });
    return;
  }
  await scope.clients.openWindow(url);
}
