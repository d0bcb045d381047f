import { describe, expect, it } from 'vitest';
import {
  NATIONAL_CRISIS_RESOURCES,
  PHQ9_SUICIDALITY_INDEX,
  checkinHasSafetySignal,
  crisisResources,
  questionnaireHasSafetySignal,
  telHref,
} from './safety';

function phq9(item9: number | null): (number | null)[] {
  const answers: (number | null)[] = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  answers[PHQ9_SUICIDALITY_INDEX] = item9;
  return answers;
}

describe('checkinHasSafetySignal', () => {
  it('is a signal only when self-harm thoughts are answered yes', () => {
    expect(checkinHasSafetySignal({ self_harm_thoughts: true })).toBe(true);
    expect(checkinHasSafetySignal({ self_harm_thoughts: false })).toBe(false);
    expect(checkinHasSafetySignal({ self_harm_thoughts: null })).toBe(false);
    expect(checkinHasSafetySignal({})).toBe(false);
  });
});

describe('questionnaireHasSafetySignal', () => {
  it.each([
    [0, false],
    [1, true],
    [2, true],
    [3, true],
  ])('PHQ-9 item 9 answered %i → %s', (answer, expected) => {
    expect(questionnaireHasSafetySignal('phq9', phq9(answer))).toBe(expected);
  });

  it('ignores an unanswered item 9 (the patient is still on an earlier screen)', () => {
    expect(questionnaireHasSafetySignal('phq9', phq9(null))).toBe(false);
    expect(questionnaireHasSafetySignal('phq9', [3, 3, 3])).toBe(false);
  });

  it('only looks at item 9: high answers elsewhere are not a safety signal', () => {
    expect(questionnaireHasSafetySignal('phq9', [3, 3, 3, 3, 3, 3, 3, 3, 0])).toBe(false);
  });

  it('never fires for GAD-7, whose seventh item is about fear, not self-harm', () => {
    expect(questionnaireHasSafetySignal('gad7', [3, 3, 3, 3, 3, 3, 3, 3, 3])).toBe(false);
  });
});

describe('telHref', () => {
  it('keeps digits and a leading plus', () => {
    expect(telHref('(555) 010-0000')).toBe('tel:5550100000');
    expect(telHref('+1 555 010 0000')).toBe('tel:+15550100000');
    expect(telHref('555-010-0000 ext 12')).toBe('tel:5550100000');
  });

  it('rejects something that is not a phone number', () => {
    expect(telHref('call us')).toBeNull();
    expect(telHref('')).toBeNull();
  });
});

describe('crisisResources', () => {
  it('always offers 988 by call and text, and 911, even offline with no clinic known', () => {
    const hrefs = crisisResources(null).map((r) => r.href);
    expect(hrefs).toEqual(['tel:988', 'sms:988', 'tel:911']);
  });

  it("adds the clinic's phone", () => {
    const list = crisisResources({ name: 'Demo Clinic', phone: '(555) 010-0000' });
    expect(list.at(-1)).toEqual({ name: 'Your clinic: Demo Clinic', phone: '(555) 010-0000', href: 'tel:5550100000' });
  });

  it("merges the server's list without duplicates and drops links that are not tel: or sms:", () => {
    const list = crisisResources({ name: 'Demo Clinic', phone: '555-010-0000' }, [
      { name: '988 Lifeline', phone: '988', href: 'tel:988' },
      { name: 'Clinic', phone: '555 010 0000', href: 'tel:555-010-0000' },
      { name: 'Local line', phone: '555-020-0000', href: 'tel:555-020-0000' },
      { name: 'Evil', phone: '1', href: 'javascript:alert(1)' },
    ]);
    expect(list.map((r) => r.href)).toEqual([
      ...NATIONAL_CRISIS_RESOURCES.map((r) => r.href),
      'tel:5550100000',
      'tel:555-020-0000',
    ]);
  });
});
