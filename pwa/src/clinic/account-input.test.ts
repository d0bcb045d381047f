import { describe, expect, it } from 'vitest';
import { DISPLAY_NAME_MAX, checkDisplayName, checkNewStaff, checkPasswordChange, staffName, staffPosition, type NewStaffValues, type PasswordFormValues } from './account-input';

describe('checkDisplayName', () => {
  it('trims the name it sends', () => {
    expect(checkDisplayName('  Dr. Dana Demo \n')).toEqual({ value: 'Dr. Dana Demo', errors: {} });
  });

  it('sends null for an empty or blank name (colleagues then see the email)', () => {
    expect(checkDisplayName('')).toEqual({ value: null, errors: {} });
    expect(checkDisplayName('   ')).toEqual({ value: null, errors: {} });
  });

  it('allows 120 characters, counted as the server counts them, and no more', () => {
    expect(checkDisplayName('a'.repeat(DISPLAY_NAME_MAX)).errors).toEqual({});
    // Emoji are two UTF-16 units but one character each.
    expect(checkDisplayName('😀'.repeat(DISPLAY_NAME_MAX)).errors).toEqual({});
    expect(checkDisplayName(` ${'a'.repeat(DISPLAY_NAME_MAX)} `).value).toBe('a'.repeat(DISPLAY_NAME_MAX));
    expect(checkDisplayName('a'.repeat(DISPLAY_NAME_MAX + 1))).toEqual({
      value: null,
      errors: { display_name: ['Use at most 120 characters.'] },
    });
  });
});

describe('checkPasswordChange', () => {
  const values = (overrides: Partial<PasswordFormValues>): PasswordFormValues => ({
    current_password: 'old-password-1',
    new_password: 'a-new-passphrase',
    repeat_password: 'a-new-passphrase',
    ...overrides,
  });

  it('answers the payload when all is well, passwords as typed', () => {
    expect(checkPasswordChange(values({ new_password: ' spaced out pw ', repeat_password: ' spaced out pw ' }))).toEqual({
      input: { current_password: 'old-password-1', new_password: ' spaced out pw ' },
      errors: {},
    });
  });

  it('asks for every field', () => {
    const { input, errors } = checkPasswordChange({ current_password: '', new_password: '', repeat_password: '' });
    expect(input).toBeNull();
    expect(errors).toEqual({
      current_password: ['Enter your current password.'],
      new_password: ['Enter a new password.'],
      repeat_password: ['Type the new password again.'],
    });
  });

  it('needs at least 10 characters and at most 128', () => {
    expect(checkPasswordChange(values({ new_password: 'short-123', repeat_password: 'short-123' })).errors).toEqual({
      new_password: ['Use at least 10 characters.'],
    });
    expect(checkPasswordChange(values({ new_password: 'exactly-10', repeat_password: 'exactly-10' })).errors).toEqual({});
    const long = 'x'.repeat(129);
    expect(checkPasswordChange(values({ new_password: long, repeat_password: long })).errors).toEqual({
      new_password: ['Use at most 128 characters.'],
    });
  });

  it('refuses the current password as the new one', () => {
    const same = values({ new_password: 'old-password-1', repeat_password: 'old-password-1' });
    expect(checkPasswordChange(same).errors).toEqual({ new_password: ['Choose a password different from the current one.'] });
  });

  it('checks the repeat matches, exactly', () => {
    expect(checkPasswordChange(values({ repeat_password: 'a-new-passphrasE' })).errors).toEqual({
      repeat_password: ['The two new passwords are not the same.'],
    });
    expect(checkPasswordChange(values({ repeat_password: 'a-new-passphrase ' })).input).toBeNull();
  });
});

describe('staffName', () => {
  it('is the display name, else the email', () => {
    expect(staffName({ display_name: 'Dr. Dana Demo', email: 'demo@clinic.example' })).toBe('Dr. Dana Demo');
    expect(staffName({ display_name: null, email: 'demo@clinic.example' })).toBe('demo@clinic.example');
    expect(staffName({ display_name: '  ', email: 'demo@clinic.example' })).toBe('demo@clinic.example');
    expect(staffName({ email: null })).toBe('');
  });
});

describe('checkNewStaff', () => {
  const values = (overrides: Partial<NewStaffValues>): NewStaffValues => ({
    email: 'rae@clinic.example',
    display_name: 'Dr. Rae Park',
    role: 'clinician',
    password: 'a-long-passphrase',
    ...overrides,
  });

  it('answers the payload: email and name trimmed, the password as typed', () => {
    expect(checkNewStaff(values({ email: '  rae@clinic.example ', display_name: ' Dr. Rae Park ', password: ' spaced pass ' }))).toEqual({
      input: { email: 'rae@clinic.example', display_name: 'Dr. Rae Park', role: 'clinician', password: ' spaced pass ' },
      errors: {},
    });
    expect(checkNewStaff(values({ role: 'admin' })).input?.role).toBe('admin');
  });

  it('sends a null name when none is given', () => {
    expect(checkNewStaff(values({ display_name: '   ' })).input?.display_name).toBeNull();
  });

  it('asks for the email and the password', () => {
    expect(checkNewStaff(values({ email: ' ', password: '' }))).toEqual({
      input: null,
      errors: { email: ['Enter their email address.'], password: ['Enter an initial password.'] },
    });
  });

  it('needs a password of 10 to 128 characters', () => {
    expect(checkNewStaff(values({ password: 'short-123' })).errors).toEqual({ password: ['Use at least 10 characters.'] });
    expect(checkNewStaff(values({ password: 'exactly-10' })).errors).toEqual({});
    expect(checkNewStaff(values({ password: 'x'.repeat(128) })).errors).toEqual({});
    expect(checkNewStaff(values({ password: 'x'.repeat(129) })).errors).toEqual({ password: ['Use at most 128 characters.'] });
  });

  it('refuses a name longer than the server keeps, and a role it does not know', () => {
    const { input, errors } = checkNewStaff(values({ display_name: 'a'.repeat(DISPLAY_NAME_MAX + 1), role: 'patient' }));
    expect(input).toBeNull();
    expect(errors).toEqual({ display_name: ['Use at most 120 characters.'], role: ['Choose Clinician or Admin.'] });
  });
});

describe('staffPosition', () => {
  const emails = ['admin@clinic.example', 'demo@clinic.example', 'riley@clinic.example'];

  it('is the place by email, as the server orders the list', () => {
    expect(staffPosition(emails, 'casey@clinic.example')).toBe(1);
    expect(staffPosition(emails, 'aaron@clinic.example')).toBe(0);
    expect(staffPosition(emails, 'zoe@clinic.example')).toBe(3);
    expect(staffPosition([], 'zoe@clinic.example')).toBe(0);
  });
});
