/**
 * The on-device safety rule: decides, without the network, when the app must
 * show crisis resources at once. The server applies the same rule and raises
 * an urgent alert for the care team (shared/DESIGN.md §5 and §6).
 */
import type { Clinic, CrisisResource } from './types';

/** PHQ-9 item 9 ("thoughts that you would be better off dead, or of hurting yourself"), zero-based. */
export const PHQ9_SUICIDALITY_INDEX = 8;

/** Self-harm thoughts answered "yes" (true); "no" and "prefer not to say" are not signals. Source: DESIGN §6. */
export function checkinHasSafetySignal(checkin: { self_harm_thoughts?: boolean | null }): boolean {
  return checkin.self_harm_thoughts === true;
}

/** PHQ-9 item 9 answered 1 ("several days") or more. Source: DESIGN §6 and the PHQ-9 scoring guide. */
export function questionnaireHasSafetySignal(
  instrument: string,
  answers: readonly (number | null | undefined)[],
): boolean {
  if (instrument !== 'phq9') return false;
  const item9 = answers[PHQ9_SUICIDALITY_INDEX];
  return typeof item9 === 'number' && item9 >= 1;
}

/** The resources always offered, whatever the clinic: 988 (call and text) and 911. */
export const NATIONAL_CRISIS_RESOURCES: readonly CrisisResource[] = [
  { name: '988 Suicide & Crisis Lifeline (call)', phone: '988', href: 'tel:988' },
  { name: '988 Suicide & Crisis Lifeline (text)', phone: '988', href: 'sms:988' },
  { name: 'Emergency services', phone: '911', href: 'tel:911' },
];

/** A `tel:` link for a phone number as a clinic typed it ("(555) 010-0000 ext 2" → "tel:5550100000"). */
export function telHref(phone: string): string | null {
  const main = phone.split(/\s*(?:ext\.?|x|#)\s*\d+\s*$/i)[0] ?? phone;
  const digits = main.replace(/[^\d+]/g, '');
  const normalised = digits.startsWith('+') ? `+${digits.slice(1).replace(/\+/g, '')}` : digits.replace(/\+/g, '');
  return normalised.replace(/\D/g, '').length >= 3 ? `tel:${normalised}` : null;
}

/**
 * The list to show: the national lines, the clinic's phone, and whatever the
 * server sent, without duplicates and only with `tel:`/`sms:` links.
 */
export function crisisResources(
  clinic: Pick<Clinic, 'name' | 'phone'> | null | undefined,
  fromServer: readonly CrisisResource[] = [],
): CrisisResource[] {
  const list: CrisisResource[] = [...NATIONAL_CRISIS_RESOURCES];
  if (clinic?.phone) {
    const href = telHref(clinic.phone);
    if (href) list.push({ name: clinic.name ? `Your clinic: ${clinic.name}` : 'Your clinic', phone: clinic.phone, href });
  }
  for (const resource of fromServer) {
    if (!/^(tel|sms):\+?[\d\-().\s]+$/i.test(resource.href)) continue;
    const key = resource.href.replace(/[^\w:+]/g, '').toLowerCase();
    if (list.some((known) => known.href.replace(/[^\w:+]/g, '').toLowerCase() === key)) continue;
    list.push(resource);
  }
  return list;
}
