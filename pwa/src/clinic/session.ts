/**
 * The clinician's session lives in this tab only (sessionStorage: gone when
 * the tab closes) and ends after a period without activity. Nothing about
 * patients is ever stored in the browser: only the token and the clinician's
 * own account.
 */
import type { Session, User } from '../shared/types';

const KEY = 'clinic.session';
/** Sign out after this long without a key press, click or touch. */
export const IDLE_TIMEOUT_MS = 15 * 60 * 1000;

interface StoredSession {
  token: string;
  expires_at: string | null;
  user: User;
}

function read(): StoredSession | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as StoredSession;
    if (parsed.expires_at && Date.parse(parsed.expires_at) <= Date.now()) return null;
    return parsed;
  } catch {
    return null;
  }
}

export function createClinicSession() {
  let current = read();
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  return {
    token: () => current?.token ?? null,
    user: () => current?.user ?? null,
    signedIn: () => current !== null,
    save(session: Session): void {
      current = { token: session.token, expires_at: session.expires_at ?? null, user: session.user };
      sessionStorage.setItem(KEY, JSON.stringify(current));
      changed();
    },
    /** The signed-in user's account changed (their name): same token, new details. */
    updateUser(user: User): void {
      if (!current) return;
      current = { ...current, user };
      sessionStorage.setItem(KEY, JSON.stringify(current));
      changed();
    },
    clear(): void {
      current = null;
      sessionStorage.removeItem(KEY);
      changed();
    },
    /** Calls `listener` after every save, update or clear (the header shows who is signed in). */
    onChange(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type ClinicSession = ReturnType<typeof createClinicSession>;

/** Calls `onIdle` once no activity was seen for `timeoutMs`. */
export function watchIdle(onIdle: () => void, timeoutMs: number = IDLE_TIMEOUT_MS): () => void {
  let last = Date.now();
  const touch = () => {
    last = Date.now();
  };
  const events = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;
  for (const name of events) window.addEventListener(name, touch, { passive: true });
  const timer = setInterval(() => {
    if (Date.now() - last >= timeoutMs) {
      last = Date.now();
      onIdle();
    }
  }, 15_000);
  return () => {
    clearInterval(timer);
    for (const name of events) window.removeEventListener(name, touch);
  };
}
