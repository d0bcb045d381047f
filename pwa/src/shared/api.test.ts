import { describe, expect, it, vi } from 'vitest';
import { ApiError, createApiClient, describeProblem, flattenErrors } from './api';

interface Call {
  url: string;
  init: RequestInit;
}

function jsonResponse(status: number, body: unknown, type = 'application/json'): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': type },
  });
}

function client(responses: (Response | Error)[], token: string | null = 'tok-123') {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const next = responses.shift();
    if (!next) throw new Error('no response queued');
    if (next instanceof Error) throw next;
    return next;
  });
  const onUnauthorized = vi.fn();
  const api = createApiClient({ getToken: () => token, fetch: fetchMock as unknown as typeof fetch, onUnauthorized });
  return { api, calls, onUnauthorized };
}

function headers(call: Call | undefined): Record<string, string> {
  return (call?.init.headers ?? {}) as Record<string, string>;
}

describe('api client', () => {
  it('sends the bearer token and parses JSON', async () => {
    const user = { id: 7, role: 'patient', email: null, clinic: null, patient: null };
    const { api, calls } = client([jsonResponse(200, user)]);
    await expect(api.me()).resolves.toEqual(user);
    expect(calls[0]?.url).toBe('/api/v1/me');
    expect(headers(calls[0]).Authorization).toBe('Bearer tok-123');
    expect(calls[0]?.init.method).toBe('GET');
  });

  it('does not send a token to sign-in, and posts JSON', async () => {
    const session = { token: 't', expires_at: null, user: { id: 1 } };
    const { api, calls, onUnauthorized } = client([jsonResponse(200, session)]);
    await expect(api.login('a@b.example', 'secret-secret')).resolves.toEqual(session);
    expect(headers(calls[0]).Authorization).toBeUndefined();
    expect(headers(calls[0])['Content-Type']).toBe('application/json');
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ email: 'a@b.example', password: 'secret-secret' });
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('turns a problem answer into an ApiError with a plain message', async () => {
    const problem = { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'Wrong email or password.' };
    const { api, onUnauthorized } = client([jsonResponse(401, problem, 'application/problem+json')], null);
    const error = await api.login('a@b.example', 'nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect((error as ApiError).message).toBe('Wrong email or password.');
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('reports an expired token once, through onUnauthorized', async () => {
    const { api, onUnauthorized } = client([jsonResponse(401, { title: 'Unauthorized', status: 401 })]);
    await expect(api.me()).rejects.toBeInstanceOf(ApiError);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('encodes query parameters and unwraps item lists', async () => {
    const { api, calls } = client([jsonResponse(200, { items: [{ id: 1 }] })]);
    await expect(api.listCheckins('2026-03-01', '2026-03-01')).resolves.toEqual([{ id: 1 }]);
    expect(calls[0]?.url).toBe('/api/v1/patients/me/checkins?from=2026-03-01&to=2026-03-01');
  });

  it('answers a submission with its status instead of throwing (the outbox decides)', async () => {
    const body = { id: 3, submit_id: 'abc', crisis_resources: [{ name: '988', phone: '988', href: 'tel:988' }] };
    const problem = { title: 'Unprocessable', status: 422, errors: { mood: ['must be between 0 and 10'] } };
    const { api } = client([jsonResponse(201, body), jsonResponse(422, problem, 'application/problem+json')]);
    const input = {
      submit_id: 'abc',
      local_date: '2026-03-01',
      mood: 5,
      anxiety: 5,
      pain: 5,
      side_effects: [],
    };
    await expect(api.submitCheckin(input)).resolves.toEqual({ status: 201, data: body, problem: null });
    await expect(api.submitCheckin(input)).resolves.toEqual({ status: 422, data: null, problem });
  });

  it('reports no connection as status 0', async () => {
    const { api } = client([new TypeError('Failed to fetch'), new TypeError('Failed to fetch')]);
    await expect(
      api.submitQuestionnaire({ submit_id: 'x', instrument: 'gad7', answers: [0, 0, 0, 0, 0, 0, 0] }),
    ).resolves.toEqual({ status: 0, data: null, problem: null });
    const error = (await api.trends(30).catch((e: unknown) => e)) as ApiError;
    expect(error.isOffline).toBe(true);
    expect(error.message).toMatch(/No connection/);
  });

  it('lets pages tell a missing endpoint (404) apart', async () => {
    const { api } = client([jsonResponse(404, { title: 'Not Found', status: 404 }, 'application/problem+json')]);
    const error = (await api.instruments().catch((e: unknown) => e)) as ApiError;
    expect(error.isNotFound).toBe(true);
  });

  it('handles 204 and non-JSON answers', async () => {
    const { api } = client([new Response(null, { status: 204 }), new Response('oops', { status: 502 })]);
    await expect(api.logout()).resolves.toBeNull();
    const error = (await api.me().catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(502);
    expect(error.message).toBe('The server had a problem. Please try again later.');
  });

  it('revokes a token the app chose not to keep, without signing the session out', async () => {
    const { api, calls, onUnauthorized } = client([jsonResponse(401, { title: 'Unauthorized', status: 401 })]);
    await expect(api.logout('staff-token')).rejects.toBeInstanceOf(ApiError);
    expect(headers(calls[0]).Authorization).toBe('Bearer staff-token');
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('deletes a push subscription by endpoint', async () => {
    const { api, calls } = client([new Response(null, { status: 204 })]);
    await api.removePushSubscription('https://push.example/abc');
    expect(calls[0]?.init.method).toBe('DELETE');
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ endpoint: 'https://push.example/abc' });
  });
});

describe('describeProblem', () => {
  it('names the fields in words', () => {
    expect(describeProblem(422, { title: 'Unprocessable', errors: { invite_code: ['is unknown or used'] } })).toBe(
      'Unprocessable Invite code: is unknown or used',
    );
  });
});

describe('clinician calls', () => {
  it('flattens nested 422 errors to dotted fields', () => {
    expect(
      flattenErrors({ started_at: ['Not a valid aware datetime.'], side_effects: { '0': { name: ['Must be one of: nausea.'] } } }),
    ).toEqual({ started_at: ['Not a valid aware datetime.'], 'side_effects.0.name': ['Must be one of: nausea.'] });
    expect(flattenErrors(undefined)).toEqual({});
  });

  it('downloads a file with the bearer token and the server’s file name', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const fetchStub = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response('a,b\n1,2\n', {
        status: 200,
        headers: { 'content-type': 'text/csv', 'content-disposition': 'attachment; filename=patient-3-checkins-2026-11-24.csv' },
      });
    }) as unknown as typeof fetch;
    const api = createApiClient({ getToken: () => 'tok', fetch: fetchStub });
    const file = await api.exportCsv(3, 'checkins');
    expect(file.filename).toBe('patient-3-checkins-2026-11-24.csv');
    expect(await file.blob.text()).toBe('a,b\n1,2\n');
    expect(calls[0]?.url).toBe('/api/v1/patients/3/export.csv?kind=checkins');
    expect((calls[0]?.init.headers as Record<string, string>).Authorization).toBe('Bearer tok');
    expect(calls[0]?.init.cache).toBe('no-store');
  });

  it('answers a missing export as a 404 ApiError', async () => {
    const fetchStub = (async () =>
      new Response(JSON.stringify({ title: 'Not Found', status: 404 }), {
        status: 404,
        headers: { 'content-type': 'application/problem+json' },
      })) as unknown as typeof fetch;
    const api = createApiClient({ getToken: () => 'tok', fetch: fetchStub });
    const error = await api.exportFhir(3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as InstanceType<typeof ApiError>).isNotFound).toBe(true);
  });

  it('sends {} to acknowledge and the note to resolve', async () => {
    const bodies: unknown[] = [];
    const fetchStub = (async (_url: string, init: RequestInit) => {
      bodies.push(JSON.parse(String(init.body)));
      return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof fetch;
    const api = createApiClient({ getToken: () => 'tok', fetch: fetchStub });
    await api.acknowledgeAlert(5);
    await api.resolveAlert(5, 'Called back.');
    expect(bodies).toEqual([{}, { note: 'Called back.' }]);
  });

  it('lists staff, renames, deactivates with {} and changes the password', async () => {
    const row = { id: 9, email: 'dana@clinic.example', display_name: 'Dana', role: 'clinician', active: true, locked_until: null, created_at: '2026-01-01T00:00:00Z' };
    const session = { token: 'new-token', expires_at: null, user: { id: 9 } };
    const { api, calls } = client([
      jsonResponse(200, { items: [row] }),
      jsonResponse(200, row),
      jsonResponse(200, { ...row, display_name: null }),
      jsonResponse(200, { ...row, active: false }),
      jsonResponse(200, session),
    ]);
    await expect(api.staff()).resolves.toEqual([row]);
    await api.updateStaffName(9, 'Dana');
    await expect(api.updateStaffName(9, null)).resolves.toMatchObject({ display_name: null });
    await expect(api.deactivateStaff(9)).resolves.toMatchObject({ active: false });
    await expect(api.changePassword('old-password', 'a-new-passphrase')).resolves.toEqual(session);
    expect(calls.map((call) => `${call.init.method} ${call.url}`)).toEqual([
      'GET /api/v1/users',
      'PATCH /api/v1/users/9',
      'PATCH /api/v1/users/9',
      'POST /api/v1/users/9/deactivate',
      'POST /api/v1/me/password',
    ]);
    expect(calls.slice(1).map((call) => JSON.parse(String(call.init.body)))).toEqual([
      { display_name: 'Dana' },
      { display_name: null },
      {},
      { current_password: 'old-password', new_password: 'a-new-passphrase' },
    ]);
  });

  it('adds a staff member with a POST to /users and answers the new row; a taken email is a 409 ApiError', async () => {
    const input = { email: 'rae@clinic.example', password: 'a-long-passphrase', role: 'admin' as const, display_name: null };
    const row = { id: 12, email: 'rae@clinic.example', display_name: null, role: 'admin', active: true, locked_until: null, created_at: '2026-01-01T00:00:00Z' };
    const conflict = { title: 'Conflict', status: 409, detail: 'A user with this email exists.' };
    const { api, calls } = client([jsonResponse(201, row), jsonResponse(409, conflict, 'application/problem+json')]);
    await expect(api.addStaff(input)).resolves.toEqual(row);
    expect(`${calls[0]?.init.method} ${calls[0]?.url}`).toBe('POST /api/v1/users');
    expect(headers(calls[0]).Authorization).toBe('Bearer tok-123');
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual(input);
    const error = await api.addStaff(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(409);
    expect((error as ApiError).message).toBe('A user with this email exists.');
  });
});
