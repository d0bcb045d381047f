/** Local calendar dates ("YYYY-MM-DD") in an IANA zone, as the API expects them. */

export function deviceTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** The calendar date at `at` in `timeZone` (the device's zone when not given or unknown). */
export function localDate(timeZone?: string | null, at: Date = new Date()): string {
  const format = (zone: string | undefined) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = format(timeZone ?? undefined);
  } catch {
    parts = format(undefined);
  }
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** `date` moved by `days` (negative goes back), calendar arithmetic only. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const utc = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days));
  return utc.toISOString().slice(0, 10);
}

/** "Mon 3 Mar" style, for people. */
export function formatDate(date: string, options: Intl.DateTimeFormatOptions = {}): string {
  const [y, m, d] = date.split('-').map(Number);
  const utc = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
  return new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
    ...options,
  }).format(utc);
}

/** Seconds since the epoch at local midnight of `date`, for chart axes (UTC-based, one point per day). */
export function dayToEpochSeconds(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1) / 1000;
}

/**
 * An instant as people read it, in `timeZone` (the device's when not given or
 * unknown), with the zone named: "Thu 3 Dec 2026, 14:05 (Europe/Berlin)".
 * The locale is the viewer's unless `locale` is given (tests).
 */
export function formatInstant(iso: string | null | undefined, timeZone?: string | null, locale?: string): string {
  if (!iso) return '—';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const options: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' };
  let zone = timeZone || deviceTimeZone();
  let text: string;
  try {
    text = new Intl.DateTimeFormat(locale, { ...options, timeZone: zone }).format(at);
  } catch {
    zone = deviceTimeZone();
    text = new Intl.DateTimeFormat(locale, { ...options, timeZone: zone }).format(at);
  }
  return `${text} (${zone})`;
}
