/**
 * The one client of the `/api/v1` contract (shared/DESIGN.md §5). Page code
 * reaches the server only through an `ApiClient` made here.
 */
import type {
  Alert,
  AlertStatus,
  Appointment,
  AppointmentInput,
  CheckIn,
  DownloadedFile,
  Invitation,
  Outcomes,
  PatientRecord,
  ReminderTrail,
  Summary,
  TreatmentSession,
  TreatmentSessionInput,
  TreatmentSessionRevision,
  CheckInInput,
  DueQuestionnaire,
  Instrument,
  ItemList,
  NewStaffInput,
  Problem,
  PushSubscriptionPayload,
  QuestionnaireInput,
  QuestionnaireResponse,
  ReminderSettings,
  RosterRow,
  SignedOut,
  Session,
  StaffMember,
  Trends,
  User,
  ClinicSettings,
  ClinicSettingsUpdate,
} from './types';

export const API_BASE = '/api/v1';

/** Status used for answers that never arrived (offline, DNS, timeout). */
export const NETWORK_ERROR = 0;

/** A non-2xx answer, or no answer at all (`status` 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;

  constructor(status: number, problem: Problem | null) {
    super(describeProblem(status, problem));
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }

  get isOffline(): boolean {
    return this.status === NETWORK_ERROR;
  }
}

/** What a submission got back, whatever the status: the outbox decides what it means. */
export interface Delivery<T> {
  status: number;
  data: T | null;
  problem: Problem | null;
}

export interface ApiClientOptions {
  /** The bearer token, or null when signed out. */
  getToken: () => string | null | Promise<string | null>;
  /** Called when an authenticated request answers 401 (expired or revoked token). */
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
  base?: string;
  timeoutMs?: number;
}

interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** Send the bearer token (false for sign-in and enrollment). */
  auth?: boolean;
  /** A token other than the session's (revoking one the app decided not to keep). */
  token?: string;
}

const FIELD_LABELS: Record<string, string> = {
  invite_code: 'Invite code',
  local_date: 'Date',
  self_harm_thoughts: 'Safety question',
  side_effects: 'Side effects',
  local_time: 'Reminder time',
  scheduled_at: 'Date and time',
};

function fieldLabel(field: string): string {
  const known = FIELD_LABELS[field];
  if (known) return known;
  const words = field.replace(/[_.]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A plain-language sentence for a failed request, built from the problem document when there is one. */
export function describeProblem(status: number, problem: Problem | null): string {
  if (status === NETWORK_ERROR) return 'No connection to the server. Check your internet connection and try again.';
  const parts: string[] = [];
  const headline = problem?.detail ?? problem?.title;
  if (headline) parts.push(headline.trim());
  if (problem?.errors) {
    for (const [field, messages] of Object.entries(flattenErrors(problem.errors))) {
      parts.push(`${fieldLabel(field)}: ${messages.join(' ')}`);
    }
  }
  if (parts.length > 0) return parts.join(' ');
  if (status === 401) return 'Please sign in again.';
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many attempts. Please wait a minute and try again.';
  if (status >= 500) return 'The server had a problem. Please try again later.';
  return `The request failed (${status}).`;
}

/**
 * A 422 problem's `errors` with nested objects (a list's items, `{"side_effects": {"0": {"name": [...]}}}`)
 * flattened to dotted field names (`side_effects.0.name`), each with its messages.
 */
export function flattenErrors(errors: unknown, prefix = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (errors === null || errors === undefined) return out;
  if (typeof errors === 'string') {
    out[prefix || '_'] = [errors];
    return out;
  }
  if (Array.isArray(errors)) {
    const texts = errors.filter((item): item is string => typeof item === 'string');
    if (texts.length > 0) out[prefix || '_'] = texts;
    for (const [index, item] of errors.entries()) {
      if (typeof item !== 'string') Object.assign(out, flattenErrors(item, prefix ? `${prefix}.${index}` : String(index)));
    }
    return out;
  }
  if (typeof errors === 'object') {
    for (const [key, value] of Object.entries(errors as Record<string, unknown>)) {
      Object.assign(out, flattenErrors(value, prefix ? `${prefix}.${key}` : key));
    }
  }
  return out;
}

function filenameFrom(response: Response, fallback: string): string {
  const header = response.headers.get('content-disposition') ?? '';
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header);
  return match?.[1] ? decodeURIComponent(match[1].trim()) : fallback;
}

function isJson(response: Response): boolean {
  const type = response.headers.get('content-type') ?? '';
  return type.includes('application/json') || type.includes('+json');
}

function buildUrl(base: string, path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) params.set(key, String(value));
  }
  const search = params.toString();
  return `${base}${path}${search ? `?${search}` : ''}`;
}

const enc = (value: number | string) => encodeURIComponent(String(value));

function itemsOf<T>(list: ItemList<T> | T[] | null): T[] {
  if (Array.isArray(list)) return list;
  return list?.items ?? [];
}

/** Makes a client bound to one way of finding the token (IndexedDB for patients, the tab for clinicians). */
export function createApiClient(options: ApiClientOptions) {
  const base = options.base ?? API_BASE;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const doFetch = (input: string, init: RequestInit): Promise<Response> =>
    (options.fetch ?? globalThis.fetch)(input, init);

  async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<Delivery<T>> {
    const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
    const auth = opts.auth ?? true;
    const token = opts.token ?? (auth ? await options.getToken() : null);
    if (token) headers.Authorization = `Bearer ${token}`;
    const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(opts.body);
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    init.signal = controller.signal;
    let response: Response;
    try {
      response = await doFetch(buildUrl(base, path, opts.query), init);
    } catch {
      return { status: NETWORK_ERROR, data: null, problem: null };
    } finally {
      clearTimeout(timer);
    }
    let parsed: unknown = null;
    if (response.status !== 204 && isJson(response)) {
      try {
        parsed = await response.json();
      } catch {
        parsed = null;
      }
    }
    if (response.status === 401 && token && !opts.token) options.onUnauthorized?.();
    if (response.ok) return { status: response.status, data: parsed as T, problem: null };
    const problem = parsed !== null && typeof parsed === 'object' ? (parsed as Problem) : null;
    return { status: response.status, data: null, problem };
  }

  /** A file answer (CSV, FHIR JSON) as a Blob, for the browser to save; throws ApiError otherwise. */
  async function download(path: string, query: RequestOptions['query'], fallbackName: string): Promise<DownloadedFile> {
    const token = await options.getToken();
    const headers: Record<string, string> = { Accept: '*/*' };
    if (token) headers.Authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await doFetch(buildUrl(base, path, query), { method: 'GET', headers, credentials: 'same-origin', cache: 'no-store' });
    } catch {
      throw new ApiError(NETWORK_ERROR, null);
    }
    if (!response.ok) {
      if (response.status === 401 && token) options.onUnauthorized?.();
      let problem: Problem | null = null;
      if (isJson(response)) problem = (await response.json().catch(() => null)) as Problem | null;
      throw new ApiError(response.status, problem);
    }
    return { blob: await response.blob(), filename: filenameFrom(response, fallbackName) };
  }

  async function call<T>(method: string, path: string, opts?: RequestOptions): Promise<T> {
    const delivery = await request<T>(method, path, opts);
    if (delivery.status < 200 || delivery.status >= 300) throw new ApiError(delivery.status, delivery.problem);
    return delivery.data as T;
  }

  return {
    enroll: (input: { invite_code: string; password: string; timezone: string; email?: string }) =>
      call<Session>('POST', '/auth/enroll', { body: input, auth: false }),
    login: (email: string, password: string) =>
      call<Session>('POST', '/auth/login', { body: { email, password }, auth: false }),
    /** Revokes the session's token, or `token` when given. */
    logout: (token?: string) => call<null>('POST', '/auth/logout', token ? { token } : {}),
    me: () => call<User>('GET', '/me'),
    /** Revokes every earlier token of the user (this tab's too) and answers the new session. */
    changePassword: (currentPassword: string, newPassword: string) =>
      call<Session>('POST', '/me/password', { body: { current_password: currentPassword, new_password: newPassword } }),

    listCheckins: async (from: string, to: string) =>
      itemsOf(await call<ItemList<CheckIn>>('GET', '/patients/me/checkins', { query: { from, to } })),
    /** Never throws on an HTTP status: the outbox classifies the answer. */
    submitCheckin: (input: CheckInInput) => request<CheckIn>('POST', '/patients/me/checkins', { body: input }),

    instruments: async () => itemsOf(await call<ItemList<Instrument>>('GET', '/instruments')),
    dueQuestionnaires: async () =>
      itemsOf(await call<ItemList<DueQuestionnaire>>('GET', '/patients/me/questionnaires/due')),
    /** Never throws on an HTTP status: the outbox classifies the answer. */
    submitQuestionnaire: (input: QuestionnaireInput) =>
      request<QuestionnaireResponse>('POST', '/patients/me/questionnaire-responses', { body: input }),
    questionnaireResponses: async () =>
      itemsOf(await call<ItemList<QuestionnaireResponse>>('GET', '/patients/me/questionnaire-responses')),

    trends: (days: number) => call<Trends>('GET', '/patients/me/trends', { query: { days } }),

    reminderSettings: () => call<ReminderSettings>('GET', '/patients/me/reminder-settings'),
    /** The patient opened the app from this reminder's notification (the clinic sees `clicked`). */
    reminderOpened: (id: number | string) => call<null>('POST', `/patients/me/reminders/${enc(id)}/clicked`),
    saveReminderSettings: (settings: ReminderSettings) =>
      call<ReminderSettings>('PUT', '/patients/me/reminder-settings', { body: settings }),
    /** The patient's own upcoming visits, soonest first. */
    myAppointments: async () => itemsOf(await call<ItemList<Appointment>>('GET', '/patients/me/appointments')),
    pushPublicKey: async () => (await call<{ public_key: string }>('GET', '/push/public-key')).public_key,
    addPushSubscription: (subscription: PushSubscriptionPayload) =>
      call<unknown>('POST', '/patients/me/push-subscriptions', { body: subscription }),
    removePushSubscription: (endpoint: string) =>
      call<unknown>('DELETE', '/patients/me/push-subscriptions', { body: { endpoint } }),

    patients: async () => itemsOf(await call<ItemList<RosterRow>>('GET', '/patients')),

    /* The clinician app: one patient's record, by id (staff reach their own clinic's patients only). */
    roster: async (q?: string) => itemsOf(await call<ItemList<RosterRow>>('GET', '/patients', { query: { q: q || undefined } })),
    patient: (pid: number | string) => call<PatientRecord>('GET', `/patients/${enc(pid)}`),
    createPatient: (input: { display_name: string; external_id?: string | null; timezone?: string | null }) =>
      call<PatientRecord>('POST', '/patients', { body: input }),
    invite: (pid: number | string) => call<Invitation>('POST', `/patients/${enc(pid)}/invitations`),
    signOutDevices: (pid: number | string) => call<SignedOut>('POST', `/patients/${enc(pid)}/sign-out`),
    patientTrends: (pid: number | string, days: number) => call<Trends>('GET', `/patients/${enc(pid)}/trends`, { query: { days } }),
    patientOutcomes: (pid: number | string) => call<Outcomes>('GET', `/patients/${enc(pid)}/outcomes`),
    patientCheckins: async (pid: number | string, from?: string, to?: string) =>
      itemsOf(await call<ItemList<CheckIn>>('GET', `/patients/${enc(pid)}/checkins`, { query: { from, to } })),
    patientQuestionnaires: async (pid: number | string) =>
      itemsOf(await call<ItemList<QuestionnaireResponse>>('GET', `/patients/${enc(pid)}/questionnaire-responses`)),
    patientReminders: (pid: number | string) => call<ReminderTrail>('GET', `/patients/${enc(pid)}/reminders`),
    treatmentSessions: async (pid: number | string) =>
      itemsOf(await call<ItemList<TreatmentSession>>('GET', `/patients/${enc(pid)}/treatment-sessions`)),
    recordSession: (pid: number | string, input: TreatmentSessionInput) =>
      call<TreatmentSession>('POST', `/patients/${enc(pid)}/treatment-sessions`, { body: input }),
    correctSession: (pid: number | string, sid: number | string, input: TreatmentSessionInput) =>
      call<TreatmentSession>('PUT', `/patients/${enc(pid)}/treatment-sessions/${enc(sid)}`, { body: input }),
    sessionRevisions: async (pid: number | string, sid: number | string) =>
      itemsOf(await call<ItemList<TreatmentSessionRevision>>('GET', `/patients/${enc(pid)}/treatment-sessions/${enc(sid)}/revisions`)),
    appointments: async (pid: number | string) =>
      itemsOf(await call<ItemList<Appointment>>('GET', `/patients/${enc(pid)}/appointments`)),
    scheduleAppointment: (pid: number | string, input: AppointmentInput) =>
      call<Appointment>('POST', `/patients/${enc(pid)}/appointments`, { body: input }),
    /** Cancels (the server keeps the row, marked cancelled). */
    cancelAppointment: (pid: number | string, id: number | string) =>
      call<null>('DELETE', `/patients/${enc(pid)}/appointments/${enc(id)}`),
    summary: (pid: number | string, since?: string) =>
      call<Summary>('GET', `/patients/${enc(pid)}/summary`, { query: { since: since || undefined } }),
    alerts: async (status?: AlertStatus | 'active', patientId?: number | string) =>
      itemsOf(await call<ItemList<Alert>>('GET', '/alerts', { query: { status, patient_id: patientId } })),
    acknowledgeAlert: (id: number | string, note?: string) =>
      call<Alert>('POST', `/alerts/${enc(id)}/acknowledge`, { body: note ? { note } : {} }),
    resolveAlert: (id: number | string, note: string) => call<Alert>('POST', `/alerts/${enc(id)}/resolve`, { body: { note } }),
    /* Staff accounts: admins list, add and deactivate; anyone renames themself, admins anyone of their clinic. */
    staff: async () => itemsOf(await call<ItemList<StaffMember>>('GET', '/users')),
    /** Adds a clinician or an admin to the admin's clinic; answers the new staff row (201). */
    addStaff: (input: NewStaffInput) => call<StaffMember>('POST', '/users', { body: input }),
    /** An empty or null name clears it (colleagues then see the email). */
    updateStaffName: (id: number | string, displayName: string | null) =>
      call<StaffMember>('PATCH', `/users/${enc(id)}`, { body: { display_name: displayName } }),
    deactivateStaff: (id: number | string) => call<StaffMember>('POST', `/users/${enc(id)}/deactivate`, { body: {} }),
    exportCsv: (pid: number | string, kind: 'checkins' | 'questionnaires' | 'sessions') =>
      download(`/patients/${enc(pid)}/export.csv`, { kind }, `patient-${pid}-${kind}.csv`),
    exportFhir: (pid: number | string) => download(`/patients/${enc(pid)}/fhir`, {}, `patient-${pid}-fhir.json`),
    /* The clinic and its rules: staff read them, admins change them. */
    clinicSettings: () => call<ClinicSettings>('GET', '/clinic'),
    /** Admins; send only what changed (`alerts` may be partial). Answers the clinic as it now is. */
    updateClinicSettings: (changes: ClinicSettingsUpdate) => call<ClinicSettings>('PATCH', '/clinic', { body: changes }),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
