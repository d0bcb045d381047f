/**
 * The offline outbox: every submission is written to IndexedDB first, then
 * sent, and replayed until the server accepts it or refuses it for a reason
 * the patient can read. The `submit_id` makes every replay harmless: the
 * server answers a replay with the first result (200) instead of a duplicate.
 */
import type { Delivery } from './api';
import type { PatientDb } from './db';
import type { CheckInInput, QuestionnaireInput } from './types';
import { describeProblem } from './api';

interface OutboxEntryBase {
  submit_id: string;
  /** The user the entry belongs to: it is replayed only under their token. */
  owner: string;
  created_at: string;
  /** Orders entries written in the same millisecond (absent on entries of earlier versions). */
  seq?: number;
  state: 'pending' | 'refused';
  attempts: number;
  last_attempt_at: string | null;
  /** Why the last attempt did not go through (the entry stays queued). */
  last_error: string | null;
  /** Set when the server refused the entry: it is not retried, and stays visible until dismissed. */
  refusal: { status: number; message: string } | null;
  /** The device already showed crisis resources for this entry. */
  safety_signal: boolean;
}

export type OutboxEntry =
  | (OutboxEntryBase & { kind: 'checkin'; payload: CheckInInput })
  | (OutboxEntryBase & { kind: 'questionnaire'; payload: QuestionnaireInput });

export type OutboxKind = OutboxEntry['kind'];
export type OutboxPayload<K extends OutboxKind> = Extract<OutboxEntry, { kind: K }>['payload'];

/** Where entries live; IndexedDB in the app, the same through fake-indexeddb in tests. */
export interface OutboxStore {
  all(): Promise<OutboxEntry[]>;
  get(submitId: string): Promise<OutboxEntry | undefined>;
  put(entry: OutboxEntry): Promise<void>;
  remove(submitId: string): Promise<void>;
}

export function idbOutboxStore(db: Promise<PatientDb>): OutboxStore {
  return {
    async all() {
      return (await db).getAllFromIndex('outbox', 'by_created');
    },
    async get(submitId) {
      return (await db).get('outbox', submitId);
    },
    async put(entry) {
      await (await db).put('outbox', entry);
    },
    async remove(submitId) {
      await (await db).delete('outbox', submitId);
    },
  };
}

// Submission order within this page: two entries can share a millisecond.
let sequence = 0;

/** Oldest first: by creation time, then by the order this page wrote them. */
function byAge(a: OutboxEntry, b: OutboxEntry): number {
  return a.created_at.localeCompare(b.created_at) || (a.seq ?? 0) - (b.seq ?? 0);
}

/** What an answer means for a queued entry. */
export type Verdict = 'accepted' | 'refused' | 'unauthorized' | 'retry';

/**
 * 200/201 accepted; 401 waits for sign-in; 408, 429, 5xx and no answer at all
 * are retried; any other 4xx is a refusal that a replay cannot fix.
 */
export function classifyStatus(status: number): Verdict {
  if (status === 200 || status === 201) return 'accepted';
  if (status === 401) return 'unauthorized';
  if (status === 408 || status === 429) return 'retry';
  if (status >= 400 && status < 500) return 'refused';
  if (status >= 200 && status < 300) return 'accepted';
  return 'retry';
}

export interface AcceptedEntry {
  entry: OutboxEntry;
  status: number;
  data: unknown;
}

export interface FlushReport {
  accepted: AcceptedEntry[];
  refused: OutboxEntry[];
  /** The token was refused: sign in again, then the entries are replayed. */
  unauthorized: boolean;
  /** Entries still waiting for this owner. */
  pending: number;
  /** Why sending stopped, when it stopped on a retryable error. */
  stoppedBecause: string | null;
}

export type SubmitResult =
  | { outcome: 'accepted'; entry: OutboxEntry; status: number; data: unknown }
  | { outcome: 'refused'; entry: OutboxEntry; message: string }
  | { outcome: 'queued'; entry: OutboxEntry; reason: string | null; unauthorized: boolean };

export interface OutboxOptions {
  store: OutboxStore;
  send: (entry: OutboxEntry) => Promise<Delivery<unknown>>;
  now?: () => Date;
  newId?: () => string;
  /** Serialises replays across tabs (Web Locks in the app); in-tab replays are serialised anyway. */
  lock?: <T>(run: () => Promise<T>) => Promise<T>;
}

export type OutboxListener = (entries: OutboxEntry[]) => void;

export interface AddOptions {
  owner: string;
  safetySignal?: boolean;
}

export function createOutbox(options: OutboxOptions) {
  const { store, send } = options;
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? (() => crypto.randomUUID());
  const lock = options.lock ?? (<T>(run: () => Promise<T>) => run());
  const listeners = new Set<OutboxListener>();
  let chain: Promise<unknown> = Promise.resolve();

  async function notify(): Promise<void> {
    if (listeners.size === 0) return;
    const entries = await store.all();
    for (const listener of listeners) listener(entries);
  }

  /** Writes a submission to the outbox (nothing is sent yet). Its `submit_id` is set here. */
  async function add<K extends OutboxKind>(
    kind: K,
    payload: Omit<OutboxPayload<K>, 'submit_id'>,
    opts: AddOptions,
  ): Promise<OutboxEntry> {
    const submitId = newId();
    const entry = {
      submit_id: submitId,
      kind,
      owner: opts.owner,
      payload: { ...payload, submit_id: submitId },
      created_at: now().toISOString(),
      seq: (sequence += 1),
      state: 'pending',
      attempts: 0,
      last_attempt_at: null,
      last_error: null,
      refusal: null,
      safety_signal: opts.safetySignal ?? false,
      // `K` ties the kind to its payload; TypeScript cannot follow that correlation through the spread.
    } as unknown as OutboxEntry;
    await store.put(entry);
    await notify();
    return entry;
  }

  async function flushOnce(owner: string): Promise<FlushReport> {
    const report: FlushReport = { accepted: [], refused: [], unauthorized: false, pending: 0, stoppedBecause: null };
    const entries = (await store.all())
      .filter((entry) => entry.owner === owner && entry.state === 'pending')
      .sort(byAge);
    for (const [index, entry] of entries.entries()) {
      const delivery = await send(entry);
      const verdict = classifyStatus(delivery.status);
      if (verdict === 'accepted') {
        await store.remove(entry.submit_id);
        report.accepted.push({ entry, status: delivery.status, data: delivery.data });
        continue;
      }
      const attempted = { ...entry, attempts: entry.attempts + 1, last_attempt_at: now().toISOString() };
      if (verdict === 'refused') {
        const refused: OutboxEntry = {
          ...attempted,
          state: 'refused',
          refusal: { status: delivery.status, message: describeProblem(delivery.status, delivery.problem) },
        };
        await store.put(refused);
        report.refused.push(refused);
        continue;
      }
      // Retryable or signed out: keep this entry and the ones after it, in order.
      const reason =
        verdict === 'unauthorized' ? 'Sign in again to send it.' : describeProblem(delivery.status, delivery.problem);
      await store.put({ ...attempted, last_error: reason });
      report.unauthorized = verdict === 'unauthorized';
      report.stoppedBecause = reason;
      report.pending = entries.length - index;
      break;
    }
    return report;
  }

  /** Sends every pending entry of `owner`, oldest first; safe to call as often as wanted. */
  function flush(owner: string): Promise<FlushReport> {
    const run = chain.then(() => lock(() => flushOnce(owner)));
    chain = run.catch(() => undefined);
    return run.finally(() => notify());
  }

  /** Writes first, then sends: the usual way a page submits. */
  async function submit<K extends OutboxKind>(
    kind: K,
    payload: Omit<OutboxPayload<K>, 'submit_id'>,
    opts: AddOptions,
  ): Promise<SubmitResult> {
    const entry = await add(kind, payload, opts);
    let report: FlushReport;
    try {
      report = await flush(opts.owner);
    } catch {
      return { outcome: 'queued', entry, reason: null, unauthorized: false };
    }
    const accepted = report.accepted.find((item) => item.entry.submit_id === entry.submit_id);
    if (accepted) return { outcome: 'accepted', entry, status: accepted.status, data: accepted.data };
    const stored = (await store.get(entry.submit_id)) ?? entry;
    if (stored.state === 'refused' && stored.refusal) {
      return { outcome: 'refused', entry: stored, message: stored.refusal.message };
    }
    return { outcome: 'queued', entry: stored, reason: stored.last_error, unauthorized: report.unauthorized };
  }

  /** Every entry of `owner` still in the outbox (pending and refused), oldest first. */
  async function list(owner: string): Promise<OutboxEntry[]> {
    return (await store.all())
      .filter((entry) => entry.owner === owner)
      .sort(byAge);
  }

  /** Removes a refused entry once the patient has read why. Pending entries cannot be dismissed. */
  async function dismiss(submitId: string): Promise<void> {
    const entry = await store.get(submitId);
    if (entry?.state === 'refused') {
      await store.remove(submitId);
      await notify();
    }
  }

  function subscribe(listener: OutboxListener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  return { add, flush, submit, list, dismiss, subscribe };
}

export type Outbox = ReturnType<typeof createOutbox>;
