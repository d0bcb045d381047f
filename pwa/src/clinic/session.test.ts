import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Session, User } from '../shared/types';
import { createClinicSession } from './session';

const USER: User = { id: 4, role: 'clinician', email: 'dana@clinic.example', display_name: 'Dana', clinic: { id: 1, name: 'Demo', phone: null }, patient: null };
const SESSION: Session = { token: 'tok-1', expires_at: '2999-01-01T00:00:00Z', user: USER };

function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, String(value)),
  };
}

describe('clinic session', () => {
  beforeEach(() => {
    vi.stubGlobal('sessionStorage', memoryStorage());
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('updates the user and keeps the token, in this tab and in storage', () => {
    const session = createClinicSession();
    session.save(SESSION);
    session.updateUser({ ...USER, display_name: 'Dr. Dana Demo' });
    expect(session.token()).toBe('tok-1');
    expect(session.user()?.display_name).toBe('Dr. Dana Demo');
    const reread = createClinicSession();
    expect(reread.token()).toBe('tok-1');
    expect(reread.user()?.display_name).toBe('Dr. Dana Demo');
    expect(JSON.parse(sessionStorage.getItem('clinic.session') ?? '{}')).toEqual({
      token: 'tok-1',
      expires_at: '2999-01-01T00:00:00Z',
      user: { ...USER, display_name: 'Dr. Dana Demo' },
    });
  });

  it('does not sign anyone in by updating a user', () => {
    const session = createClinicSession();
    session.updateUser(USER);
    expect(session.signedIn()).toBe(false);
    expect(sessionStorage.length).toBe(0);
  });

  it('tells listeners of every change until they stop listening', () => {
    const session = createClinicSession();
    const listener = vi.fn();
    const stop = session.onChange(listener);
    session.save(SESSION);
    session.updateUser({ ...USER, display_name: null });
    session.save({ ...SESSION, token: 'tok-2' });
    session.clear();
    expect(listener).toHaveBeenCalledTimes(4);
    stop();
    session.save(SESSION);
    expect(listener).toHaveBeenCalledTimes(4);
  });
});
