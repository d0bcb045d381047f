/**
 * The patient app's IndexedDB: the outbox and a small key-value store (the
 * session token, the cached profile and instrument definitions). The
 * clinician app never opens it: it keeps no patient data in the browser.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { OutboxEntry } from './outbox';

export const DB_NAME = 'ketamine-checkin';
const DB_VERSION = 1;

export interface PatientDbSchema extends DBSchema {
  outbox: {
    key: string;
    value: OutboxEntry;
    indexes: { by_created: string };
  };
  kv: {
    key: string;
    value: unknown;
  };
}

export type PatientDb = IDBPDatabase<PatientDbSchema>;

export function openPatientDb(name: string = DB_NAME): Promise<PatientDb> {
  return openDB<PatientDbSchema>(name, DB_VERSION, {
    upgrade(db) {
      const outbox = db.createObjectStore('outbox', { keyPath: 'submit_id' });
      outbox.createIndex('by_created', 'created_at');
      db.createObjectStore('kv');
    },
  });
}

/** Typed access to one key of the `kv` store. */
export interface StoredValue<T> {
  get(): Promise<T | undefined>;
  set(value: T): Promise<void>;
  clear(): Promise<void>;
}

export function storedValue<T>(db: Promise<PatientDb>, key: string): StoredValue<T> {
  return {
    async get() {
      return (await (await db).get('kv', key)) as T | undefined;
    },
    async set(value) {
      await (await db).put('kv', value, key);
    },
    async clear() {
      await (await db).delete('kv', key);
    },
  };
}
