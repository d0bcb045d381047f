/**
 * The patient's session, kept in IndexedDB so it survives closing the app.
 * When the token expires the user record stays, so the outbox still knows
 * whose entries are waiting and sends them after the next sign-in.
 */
import { storedValue, type PatientDb } from '../shared/db';
import type { Session, User } from '../shared/types';

interface StoredSession {
  token: string | null;
  expires_at: string | null;
  user: User;
}

export function createSessionStore(db: Promise<PatientDb>) {
  const stored = storedValue<StoredSession>(db, 'session');
  let current: StoredSession | null = null;

  function expired(session: StoredSession): boolean {
    return session.expires_at !== null && Date.parse(session.expires_at) <= Date.now();
  }

  return {
    async load(): Promise<void> {
      current = (await stored.get()) ?? null;
      if (current?.token && expired(current)) current = { ...current, token: null };
    },
    token(): string | null {
      return current?.token ?? null;
    },
    user(): User | null {
      return current?.user ?? null;
    },
    signedIn(): boolean {
      return Boolean(current?.token);
    },
    /** The outbox owner: the patient's user id, known even after the token expired. */
    owner(): string | null {
      return current ? String(current.user.id) : null;
    },
    async save(session: Session): Promise<void> {
      current = { token: session.token, expires_at: session.expires_at ?? null, user: session.user };
      await stored.set(current);
    },
    async updateUser(user: User): Promise<void> {
      if (!current) return;
      current = { ...current, user };
      await stored.set(current);
    },
    /** The server refused the token: keep who it was, drop the token. */
    async expire(): Promise<void> {
      if (!current) return;
      current = { ...current, token: null };
      await stored.set(current);
    },
    async clear(): Promise<void> {
      current = null;
      await stored.clear();
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
