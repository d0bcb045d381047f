/**
 * The patient app's shared state: one API client, the outbox, the session and
 * the crisis dialog. Pages get this object and nothing else.
 */
import { createApiClient, type ApiClient } from '../shared/api';
import { createCrisisHelp, type CrisisHelp } from '../shared/crisis';
import { hasUnsavedChanges } from '../shared/dirty';
import { openPatientDb, storedValue, type PatientDb, type StoredValue } from '../shared/db';
import {
  createOutbox,
  idbOutboxStore,
  type FlushReport,
  type Outbox,
  type OutboxKind,
  type OutboxPayload,
  type SubmitResult,
} from '../shared/outbox';
import type { CrisisResource, DueQuestionnaire, Instrument, Session } from '../shared/types';
import { createSessionStore, type SessionStore } from './session';

export interface PatientApp {
  api: ApiClient;
  outbox: Outbox;
  session: SessionStore;
  crisis: CrisisHelp;
  /** Definitions cached for offline questionnaires (not patient data). */
  instruments: StoredValue<Instrument[]>;
  /** The last known due list, so a questionnaire can be answered offline. */
  dueQuestionnaires: StoredValue<DueQuestionnaire[]>;
  navigate(to: string, options?: { replace?: boolean }): void;
  /** Sends whatever waits in the outbox (app start, `online`, sign-in). */
  replayOutbox(): Promise<void>;
  /** Writes to the outbox first, then sends. */
  submit<K extends OutboxKind>(
    kind: K,
    payload: Omit<OutboxPayload<K>, 'submit_id'>,
    safetySignal: boolean,
  ): Promise<SubmitResult>;
  /** After enrollment or sign-in. */
  startSession(session: Session): Promise<void>;
  signOut(): Promise<void>;
  /** Refreshes the cached profile (clinic phone for crisis help, time zone). */
  refreshProfile(): Promise<void>;
}

function crisisFrom(data: unknown): CrisisResource[] {
  if (data && typeof data === 'object' && 'crisis_resources' in data) {
    const list = (data as { crisis_resources?: unknown }).crisis_resources;
    if (Array.isArray(list)) return list as CrisisResource[];
  }
  return [];
}

async function webLock<T>(run: () => Promise<T>): Promise<T> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  if (!locks) return run();
  return locks.request('checkin-outbox', run) as Promise<T>;
}

export async function createPatientApp(navigate: (to: string, options?: { replace?: boolean }) => void) {
  const db: Promise<PatientDb> = openPatientDb();
  const session = createSessionStore(db);
  await session.load();

  let app: PatientApp;
  const api = createApiClient({
    getToken: () => session.token(),
    onUnauthorized: () => {
      void session.expire().then(() => {
        // Never navigate away from unsent answers: their submission is kept and asks for sign-in itself.
        if (hasUnsavedChanges()) return;
        if (!location.pathname.startsWith('/signin') && !location.pathname.startsWith('/enroll')) {
          navigate('/signin?expired=1', { replace: true });
        }
      });
    },
  });
  const outbox = createOutbox({
    store: idbOutboxStore(db),
    lock: webLock,
    send: (entry) =>
      entry.kind === 'checkin' ? api.submitCheckin(entry.payload) : api.submitQuestionnaire(entry.payload),
  });
  const crisis = createCrisisHelp(() => session.user()?.clinic);

  /** The server may flag a safety signal the device did not (a rule it alone knows): show help then too. */
  function afterFlush(report: FlushReport): void {
    for (const accepted of report.accepted) {
      const resources = crisisFrom(accepted.data);
      if (resources.length > 0 && !accepted.entry.safety_signal) crisis.open({ signal: true, fromServer: resources });
    }
  }

  app = {
    api,
    outbox,
    session,
    crisis,
    instruments: storedValue<Instrument[]>(db, 'instruments'),
    dueQuestionnaires: storedValue<DueQuestionnaire[]>(db, 'due-questionnaires'),
    navigate,

    async replayOutbox() {
      const owner = session.owner();
      if (!owner || !session.signedIn()) return;
      try {
        afterFlush(await outbox.flush(owner));
      } catch (error) {
        console.warn('Outbox replay failed; it will be retried', error);
      }
    },

    async submit(kind, payload, safetySignal) {
      const owner = session.owner();
      if (!owner) throw new Error('Not signed in');
      const result = await outbox.submit(kind, payload, { owner, safetySignal });
      if (result.outcome === 'accepted') {
        const resources = crisisFrom(result.data);
        if (resources.length > 0 && !safetySignal) crisis.open({ signal: true, fromServer: resources });
      }
      return result;
    },

    async startSession(newSession) {
      await session.save(newSession);
      if ('storage' in navigator && navigator.storage.persist) {
        // Ask the browser not to evict the outbox under storage pressure.
        void navigator.storage.persist().catch(() => false);
      }
      await app.replayOutbox();
    },

    async signOut() {
      try {
        await api.logout();
      } catch {
        // Signed out on this device either way; the token expires on its own.
      }
      await session.clear();
      navigate('/signin', { replace: true });
    },

    async refreshProfile() {
      if (!session.signedIn()) return;
      try {
        await session.updateUser(await api.me());
      } catch {
        // Offline or signed out: keep the cached profile.
      }
    },
  };
  return app;
}
