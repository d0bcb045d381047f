/** Payloads of the `/api/v1` contract (shared/DESIGN.md §5), as the apps use them. */

export type Role = 'patient' | 'clinician' | 'admin';

export interface Clinic {
  id: number | string;
  name: string;
  phone: string | null;
}

export interface PatientProfile {
  id: number | string;
  display_name: string | null;
  timezone: string;
  enrolled_at: string | null;
}

export interface User {
  id: number | string;
  role: Role;
  email: string | null;
  /** Staff: the name colleagues know them by (null when none was given; patients: null). */
  display_name?: string | null;
  clinic: Clinic | null;
  patient: PatientProfile | null;
}

/** A clinician or admin of the clinic, as `GET /users` lists them (admins). */
export type StaffRole = 'clinician' | 'admin';

export interface StaffMember {
  id: number;
  email: string;
  /** The name colleagues know them by; null when none was given. */
  display_name: string | null;
  role: StaffRole;
  active: boolean;
  /** Set while sign-in is locked after failed attempts. */
  locked_until: string | null;
  created_at: string;
}

/** What an admin sends to add a colleague (`POST /users`). */
export interface NewStaffInput {
  email: string;
  /** The initial password; the colleague changes it under Account. */
  password: string;
  role: StaffRole;
  /** Null when none was given (colleagues then see the email). */
  display_name: string | null;
}

export interface Session {
  token: string;
  expires_at: string | null;
  user: User;
}

export type Severity = 'mild' | 'moderate' | 'severe';

export interface SideEffectEntry {
  name: string;
  severity: Severity;
}

export interface CrisisResource {
  name: string;
  phone: string;
  href: string;
}

export interface CheckInInput {
  submit_id: string;
  local_date: string;
  mood: number;
  anxiety: number;
  pain: number;
  side_effects: SideEffectEntry[];
  note?: string;
  self_harm_thoughts?: boolean;
  /** The device's UTC offset in minutes when the patient submitted (east of UTC is positive). */
  tz_offset_minutes?: number;
}

export interface CheckIn {
  id: number | string;
  submit_id: string;
  local_date: string;
  mood: number;
  anxiety: number;
  pain: number;
  side_effects: SideEffectEntry[];
  note: string | null;
  self_harm_thoughts: boolean | null;
  submitted_at: string;
  late_entry: boolean;
  revision: number;
  crisis_resources?: CrisisResource[];
}

export type InstrumentCode = 'phq9' | 'gad7';

export interface InstrumentItem {
  number: number;
  text: string;
  loinc?: string | null;
}

export interface InstrumentOption {
  value: number;
  text: string;
  loinc?: string | null;
}

/** A question asked after the items and never scored (PHQ-9's difficulty item, LOINC 69722-7). */
export interface UnscoredItem {
  text: string;
  loinc?: string | null;
  options: InstrumentOption[];
}

export interface Instrument {
  code: InstrumentCode;
  title: string;
  short_title?: string;
  /** Severity bands of the total (the clinician's chart shades them). */
  bands?: InstrumentBand[];
  stem: string;
  items: InstrumentItem[];
  options: InstrumentOption[];
  copyright: string;
  /** Asked when any item is above 0; optional for the patient; null for GAD-7. */
  difficulty_item?: UnscoredItem | null;
}

export interface DueQuestionnaire {
  instrument: InstrumentCode;
  due_since: string | null;
  overdue: boolean;
  reason: string | null;
}

export interface QuestionnaireInput {
  submit_id: string;
  instrument: InstrumentCode;
  answers: number[];
  /** The unscored difficulty item's answer (0-3), null when skipped or not asked. */
  difficulty?: number | null;
}

export interface QuestionnaireResponse {
  id: number | string;
  instrument: InstrumentCode;
  answers: number[];
  total: number;
  severity: string;
  difficulty?: number | null;
  submitted_at: string;
  /** The patient's local date of the answer. */
  local_date?: string;
  crisis_resources?: CrisisResource[];
}

export type Direction = 'higher_is_better' | 'higher_is_worse';

export interface TrendPoint {
  local_date: string;
  value: number | null;
  mean_7d: number | null;
}

export interface TrendScale {
  code: string;
  label: string;
  direction: Direction;
  points: TrendPoint[];
  low_label?: string;
  high_label?: string;
  change_direction?: ScaleTrend;
  change?: number | null;
}

export interface TrendSession {
  id: number | string;
  started_at: string;
  local_date: string;
  modality: string | null;
  dose_mg: number | null;
  phase?: string | null;
  dose_mg_per_kg?: number | null;
  /** Peak blood pressure [systolic, diastolic]. */
  bp_peak?: [number, number] | null;
  dissociation_score?: number | null;
}

export interface TrendQuestionnaire {
  instrument: InstrumentCode;
  local_date: string;
  total: number;
  severity: string;
}

export interface Trends {
  from: string;
  to: string;
  scales: TrendScale[];
  sessions: TrendSession[];
  questionnaires: TrendQuestionnaire[];
}

export interface ReminderSettings {
  enabled: boolean;
  local_time: string;
  timezone: string;
  weekdays: number[];
}

export interface PushSubscriptionPayload {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  expirationTime: number | null;
}

export interface RosterAlert {
  id: number | string;
  kind: string;
  severity: string;
  status: string;
  summary: string;
  raised_at: string;
}

/** One row of the clinician roster, in triage order (who needs attention first). */
export interface RosterRow {
  patient: PatientProfile & { external_id?: string | null; enrolled?: boolean };
  attention?: Attention | string | null;
  last_checkin_on?: string | null;
  days_since_checkin?: number | null;
  /** Share of the last 14 days with a check-in, 0..1. */
  adherence_14d?: number | null;
  scales?: Partial<Record<DailyScaleCode, ScaleSummary>>;
  questionnaires?: Partial<Record<InstrumentCode, QuestionnaireSummary>>;
  last_session_at?: string | null;
  /** The next planned treatment session (an appointment of kind "session"), or null. */
  next_session_at?: string | null;
  open_alerts?: RosterAlert[];
}

export type AppointmentKind = 'session' | 'evaluation';

/** A planned visit on the clinic's calendar (upcoming, not cancelled, as the list answers). */
export interface Appointment {
  id: number;
  kind: AppointmentKind;
  /** ISO 8601 instant. */
  scheduled_at: string;
  /** The patient's calendar date of the visit ("YYYY-MM-DD", their zone). */
  local_date: string;
  created_by_id: number;
  created_at: string;
}

/** POST /patients/{pid}/appointments: `scheduled_at` carries its UTC offset. */
export interface AppointmentInput {
  kind: AppointmentKind;
  scheduled_at: string;
}

export interface ItemList<T> {
  items: T[];
}

/** RFC 9457 problem details, as every error answer carries. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Record<string, string[] | string>;
}

/* ---- The clinician app's payloads ---- */

export type Attention = 'urgent_alert' | 'open_alert' | 'worsening' | 'missed_checkins' | 'none';
export type ScaleTrend = 'improving' | 'stable' | 'worsening' | 'unknown';
export type DailyScaleCode = 'mood' | 'anxiety' | 'pain';

export interface ScaleSummary {
  latest: number | null;
  mean_7d: number | null;
  trend: ScaleTrend;
}

export interface QuestionnaireSummary {
  total: number;
  severity: string;
  local_date: string;
}

/** A patient as staff see them. */
export interface PatientRecord {
  id: number;
  display_name: string;
  external_id: string | null;
  timezone: string;
  enrolled: boolean;
  enrolled_at: string | null;
  created_at: string;
}

export interface InstrumentBand {
  code: string;
  label: string;
  min: number;
  max: number;
}

export interface Invitation {
  code: string;
  expires_at: string;
  enroll_url: string;
  /** For an enrolled patient: used, it signs out their other devices. */
  replaces_devices?: boolean;
}

/** What signing a patient out everywhere did. */
export interface SignedOut {
  tokens: number;
  push_subscriptions: number;
}

export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

export interface Alert {
  id: number;
  patient_id: number;
  patient_name: string;
  kind: string;
  severity: string;
  status: AlertStatus;
  summary: string;
  evidence?: Record<string, unknown> | null;
  source_type?: string | null;
  source_id?: number | null;
  raised_at: string;
  acknowledged_at: string | null;
  acknowledged_by_id: number | null;
  /** The staff member's email (absent where the API does not say who). */
  acknowledged_by_email?: string | null;
  /** The staff member's display name (null when they have none: show the email). */
  acknowledged_by_name?: string | null;
  /** Optional, given when acknowledging ("called, left a voicemail"). */
  acknowledgment_note?: string | null;
  resolved_at: string | null;
  resolved_by_id: number | null;
  resolved_by_email?: string | null;
  resolved_by_name?: string | null;
  resolution_note: string | null;
}

export type Modality = 'iv_infusion' | 'im_injection' | 'esketamine_nasal' | 'other';
export type Route = 'iv' | 'im' | 'intranasal' | 'oral' | 'sublingual';
export type Phase = 'induction' | 'maintenance';

/** What a clinician records about one treatment session (TreatmentSessionInput). */
export interface TreatmentSessionInput {
  started_at: string;
  modality: Modality;
  route: Route;
  phase: Phase;
  dose_mg: number;
  dose_mg_per_kg?: number | null;
  duration_min?: number | null;
  bp_pre_systolic?: number | null;
  bp_pre_diastolic?: number | null;
  bp_peak_systolic?: number | null;
  bp_peak_diastolic?: number | null;
  bp_discharge_systolic?: number | null;
  bp_discharge_diastolic?: number | null;
  hr_pre?: number | null;
  hr_peak?: number | null;
  hr_discharge?: number | null;
  spo2_min?: number | null;
  dissociation_score?: number | null;
  dissociation_scale?: string | null;
  side_effects?: SideEffectEntry[];
  discharged_at?: string | null;
  notes?: string | null;
}

export interface TreatmentSession extends TreatmentSessionInput {
  id: number;
  local_date: string;
  revision: number;
  recorded_by_id: number;
  created_at: string;
  updated_at: string;
}

export interface TreatmentSessionRevision {
  revision: number;
  values: Partial<TreatmentSessionInput>;
  recorded_by_id: number;
  recorded_at: string;
}

export type OutcomeStatus = 'response' | 'partial_response' | 'no_response' | 'not_applicable' | 'insufficient_data';

export interface OutcomeMeasure {
  measure: string;
  status: OutcomeStatus | string;
  baseline: number | null;
  baseline_at?: string | null;
  latest: number | null;
  latest_at?: string | null;
  change: number | null;
  improvement: number | null;
  percent_change: number | null;
  remission: boolean | null;
  minimal_important_change: boolean | null;
  reliable_change: string | null;
  definition: string;
  reason: string | null;
}

export type DurabilityStatus = 'faded' | 'ongoing' | 'censored_by_next_session' | 'no_response' | 'insufficient_data';

export interface Durability {
  session_on: string;
  scale: string;
  status: DurabilityStatus | string;
  days: number | null;
  pre_level: number | null;
  peak_level: number | null;
  peak_date: string | null;
  gain: number | null;
  half_point_date: string | null;
  provisional: boolean;
  reason: string | null;
}

export interface SessionDurability {
  session_id: number;
  started_at: string;
  local_date: string;
  phase: string;
  modality: string;
  durability: Record<string, Durability>;
}

export interface Outcomes {
  first_session_at: string | null;
  measures: OutcomeMeasure[];
  durability_scales: string[];
  sessions: SessionDurability[];
}

export interface PushStatus {
  subscriptions: number;
  last_success_at: string | null;
}

export interface DeliveryAttempt {
  at: string;
  attempt: number;
  subscription_id: number | null;
  status_code: number | null;
  outcome: string;
  error?: string;
}

export interface ReminderDelivery {
  id: number;
  local_date: string;
  kind: string;
  status: string;
  attempts: number;
  push_status_code: number | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  next_attempt_at: string | null;
  trail: DeliveryAttempt[];
}

export interface ReminderTrail {
  push: PushStatus;
  items: ReminderDelivery[];
}

export interface SummaryDaily {
  code: string;
  label: string;
  direction: Direction;
  before_mean: number | null;
  after_mean: number | null;
  improvement: number | null;
}

export interface Summary {
  patient: PatientRecord;
  since: string;
  until: string;
  sessions: TreatmentSession[];
  adherence: { days: number; checkins: number; rate: number };
  daily: SummaryDaily[];
  questionnaires: QuestionnaireResponse[];
  outcomes: OutcomeMeasure[];
  durability: SessionDurability[];
  alerts: Alert[];
  side_effects: { name: string; severity: string; count: number }[];
  notes: { local_date: string; note: string }[];
  late_entries: number;
}

/** A file the server sent (CSV, FHIR), to be saved by the browser. */
export interface DownloadedFile {
  blob: Blob;
  filename: string;
}

/**
 * A clinic's alert thresholds (`GET /clinic` `alerts`, DESIGN.md §6). Points
 * are on the 0-10 daily scales or the questionnaire totals; `_days` are whole
 * local days. The urgent rule (self-harm thoughts, PHQ-9 item 9) is fixed.
 */
export interface AlertThresholds {
  phq9_worsening_points: number;
  gad7_worsening_points: number;
  phq9_severe_total: number;
  gad7_severe_total: number;
  mood_decline_points: number;
  pain_rise_points: number;
  /** Null: the anxiety-rise alert is off. */
  anxiety_rise_points: number | null;
  decline_recent_days: number;
  decline_recent_min_days: number;
  decline_prior_days: number;
  decline_prior_min_days: number;
  missed_days: number;
  side_effect_severities: Severity[];
}

/** The signed-in staff member's clinic and its rules as they apply now (`GET /clinic`). */
export interface ClinicSettings {
  id: number;
  name: string;
  /** Shown to patients beside 988 and 911 on a safety signal; null when none is set. */
  phone: string | null;
  timezone: string;
  questionnaire_interval_days: number;
  alerts: AlertThresholds;
  /** What the rules are when the clinic has not changed them. */
  defaults: { questionnaire_interval_days: number; alerts: AlertThresholds };
}

/** What an admin changes (`PATCH /clinic`): only what is given changes, `alerts` included. */
export interface ClinicSettingsUpdate {
  name?: string;
  phone?: string | null;
  timezone?: string;
  questionnaire_interval_days?: number;
  alerts?: Partial<AlertThresholds>;
}
