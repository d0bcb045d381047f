import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Delivery } from './api';
import { openPatientDb, type PatientDb } from './db';
import { classifyStatus, createOutbox, idbOutboxStore, type OutboxEntry } from './outbox';

const checkin = {
  local_date: '2026-03-01',
  mood: 6,
  anxiety: 3,
  pain: 2,
  side_effects: [{ name: 'nausea', severity: 'mild' as const }],
};

type Answer = Delivery<unknown> | Error;

let dbName: string;
let db: Promise<PatientDb>;
let counter = 0;

function makeOutbox(answers: Answer[]) {
  const sent: OutboxEntry[] = [];
  const send = vi.fn(async (entry: OutboxEntry) => {
    sent.push(entry);
    const answer = answers.shift() ?? { status: 0, data: null, problem: null };
    if (answer instanceof Error) throw answer;
    return answer;
  });
  const outbox = createOutbox({ store: idbOutboxStore(db), send });
  return { outbox, send, sent };
}

const ok = (status = 201): Delivery<unknown> => ({ status, data: { id: 1 }, problem: null });
const offline: Delivery<unknown> = { status: 0, data: null, problem: null };

beforeEach(() => {
  counter += 1;
  dbName = `outbox-test-${counter}`;
  db = openPatientDb(dbName);
});

afterEach(async () => {
  (await db).close();
});

describe('classifyStatus', () => {
  it.each([
    [200, 'accepted'],
    [201, 'accepted'],
    [400, 'refused'],
    [404, 'refused'],
    [409, 'refused'],
    [422, 'refused'],
    [401, 'unauthorized'],
    [408, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
    [0, 'retry'],
  ])('%i → %s', (status, verdict) => {
    expect(classifyStatus(status)).toBe(verdict);
  });
});

describe('outbox', () => {
  it('writes the entry to IndexedDB before sending it, with a fresh submit_id', async () => {
    let storedWhenSent: OutboxEntry | undefined;
    const outbox = createOutbox({
      store: idbOutboxStore(db),
      send: async (entry) => {
        storedWhenSent = await (await db).get('outbox', entry.submit_id);
        return ok();
      },
    });
    const result = await outbox.submit('checkin', checkin, { owner: 'p1' });
    expect(result.outcome).toBe('accepted');
    expect(storedWhenSent?.payload).toMatchObject(checkin);
    expect(result.entry.submit_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.entry.payload.submit_id).toBe(result.entry.submit_id);
    expect(await outbox.list('p1')).toEqual([]);
  });

  it('keeps the entry queued while offline and sends it once, with the same submit_id, when back online', async () => {
    const { outbox, sent } = makeOutbox([offline, ok(201)]);
    const queued = await outbox.submit('checkin', checkin, { owner: 'p1' });
    expect(queued.outcome).toBe('queued');
    expect(await outbox.list('p1')).toHaveLength(1);

    const report = await outbox.flush('p1');
    expect(report.accepted).toHaveLength(1);
    expect(sent.map((e) => e.submit_id)).toEqual([queued.entry.submit_id, queued.entry.submit_id]);
    expect(await outbox.list('p1')).toEqual([]);
  });

  it('survives a reload: a new outbox over the same database replays what was left', async () => {
    const first = makeOutbox([offline]);
    const queued = await first.outbox.submit('checkin', checkin, { owner: 'p1' });
    (await db).close();

    db = openPatientDb(dbName);
    const second = makeOutbox([ok(200)]);
    const pending = await second.outbox.list('p1');
    expect(pending.map((e) => e.submit_id)).toEqual([queued.entry.submit_id]);
    await second.outbox.flush('p1');
    expect(second.sent[0]?.payload).toEqual(queued.entry.payload);
    expect(await second.outbox.list('p1')).toEqual([]);
  });

  it.each([500, 502, 503, 408, 429])('keeps the entry on %i and records why', async (status) => {
    const { outbox } = makeOutbox([{ status, data: null, problem: { title: 'Unavailable', status } }]);
    const result = await outbox.submit('checkin', checkin, { owner: 'p1' });
    expect(result.outcome).toBe('queued');
    const [entry] = await outbox.list('p1');
    expect(entry?.state).toBe('pending');
    expect(entry?.attempts).toBe(1);
    expect(entry?.last_error).toContain('Unavailable');
  });

  it('keeps the entry when the network call throws', async () => {
    const { outbox } = makeOutbox([new TypeError('Failed to fetch')]);
    const result = await outbox.submit('checkin', checkin, { owner: 'p1' });
    expect(result.outcome).toBe('queued');
    expect(await outbox.list('p1')).toHaveLength(1);
  });

  it("marks a 4xx refusal, keeps it visible with the server's reasons, and never resends it", async () => {
    const { outbox, send } = makeOutbox([
      {
        status: 422,
        data: null,
        problem: {
          title: 'Unprocessable',
          status: 422,
          detail: 'The check-in is not valid.',
          errors: { local_date: ['may be at most 2 days back'] },
        },
      },
    ]);
    const result = await outbox.submit('checkin', checkin, { owner: 'p1' });
    expect(result.outcome).toBe('refused');
    if (result.outcome !== 'refused') throw new Error('unreachable');
    expect(result.message).toBe('The check-in is not valid. Date: may be at most 2 days back');

    const [entry] = await outbox.list('p1');
    expect(entry?.state).toBe('refused');
    expect(entry?.refusal?.status).toBe(422);

    await outbox.flush('p1');
    expect(send).toHaveBeenCalledTimes(1);

    await outbox.dismiss(result.entry.submit_id);
    expect(await outbox.list('p1')).toEqual([]);
  });

  it('waits for sign-in on 401 and keeps everything', async () => {
    const { outbox } = makeOutbox([{ status: 401, data: null, problem: null }, ok(201)]);
    const result = await outbox.submit('checkin', checkin, { owner: 'p1' });
    expect(result).toMatchObject({ outcome: 'queued', unauthorized: true });
    expect(await outbox.list('p1')).toHaveLength(1);
    const report = await outbox.flush('p1');
    expect(report.accepted).toHaveLength(1);
  });

  it('cannot dismiss an entry that is still waiting to be sent', async () => {
    const { outbox } = makeOutbox([offline]);
    const result = await outbox.submit('checkin', checkin, { owner: 'p1' });
    await outbox.dismiss(result.entry.submit_id);
    expect(await outbox.list('p1')).toHaveLength(1);
  });

  it('replays oldest first and stops at the first retryable failure so order is kept', async () => {
    const { outbox, sent } = makeOutbox([offline, offline]);
    const a = await outbox.submit('checkin', { ...checkin, mood: 1 }, { owner: 'p1' });
    const b = await outbox.submit('questionnaire', { instrument: 'phq9', answers: [0, 0, 0, 0, 0, 0, 0, 0, 0] }, {
      owner: 'p1',
    });
    sent.length = 0;
    const { outbox: later, sent: laterSent } = makeOutbox([offline]);
    await later.flush('p1');
    expect(laterSent.map((e) => e.submit_id)).toEqual([a.entry.submit_id]);

    const { outbox: online, sent: onlineSent } = makeOutbox([ok(201), ok(201)]);
    const report = await online.flush('p1');
    expect(onlineSent.map((e) => e.submit_id)).toEqual([a.entry.submit_id, b.entry.submit_id]);
    expect(report.accepted.map((x) => x.entry.kind)).toEqual(['checkin', 'questionnaire']);
    expect(await outbox.list('p1')).toEqual([]);
  });

  it('keeps submission order for entries written in the same millisecond', async () => {
    const sameInstant = () => new Date('2026-11-24T08:00:00.000Z');
    const answers: Answer[] = [offline, offline, offline, ok(201), ok(201), ok(201)];
    const sent: OutboxEntry[] = [];
    const send = vi.fn(async (entry: OutboxEntry) => {
      sent.push(entry);
      return (answers.shift() as Delivery<unknown>) ?? offline;
    });
    const outbox = createOutbox({ store: idbOutboxStore(db), send, now: sameInstant });
    const written = [];
    for (const mood of [1, 2, 3]) written.push(await outbox.submit('checkin', { ...checkin, mood }, { owner: 'p1' }));
    sent.length = 0;
    await outbox.flush('p1');
    expect(sent.map((e) => e.submit_id)).toEqual(written.map((w) => w.entry.submit_id));
  });

  it("never replays one patient's entries under another patient's sign-in", async () => {
    const { outbox } = makeOutbox([offline]);
    await outbox.submit('checkin', checkin, { owner: 'p1' });
    const { outbox: other, send } = makeOutbox([ok(201)]);
    await other.flush('p2');
    expect(send).not.toHaveBeenCalled();
    expect(await other.list('p1')).toHaveLength(1);
    expect(await other.list('p2')).toHaveLength(0);
  });

  it('sends each entry once when flushes overlap (online event, app start and sign-in together)', async () => {
    const { outbox, sent } = makeOutbox([offline]);
    await outbox.submit('checkin', checkin, { owner: 'p1' });
    const { outbox: online, sent: onlineSent } = makeOutbox([ok(201), ok(201), ok(201)]);
    await Promise.all([online.flush('p1'), online.flush('p1'), online.flush('p1')]);
    expect(sent).toHaveLength(1);
    expect(onlineSent).toHaveLength(1);
  });

  it('tells subscribers what is pending', async () => {
    const { outbox } = makeOutbox([offline, ok(201)]);
    const seen: number[] = [];
    outbox.subscribe((entries) => seen.push(entries.length));
    await outbox.submit('checkin', checkin, { owner: 'p1' });
    await outbox.flush('p1');
    expect(seen.at(-1)).toBe(0);
    expect(seen).toContain(1);
  });

  it('remembers that the device already showed crisis resources for an entry', async () => {
    const { outbox } = makeOutbox([offline]);
    const result = await outbox.submit('checkin', { ...checkin, self_harm_thoughts: true }, {
      owner: 'p1',
      safetySignal: true,
    });
    expect(result.entry.safety_signal).toBe(true);
    const [stored] = await outbox.list('p1');
    expect(stored?.safety_signal).toBe(true);
  });
});
