/**
 * The account screens' checks on the device, as the server makes them: a
 * display name (whitespace trimmed, at most 120 characters, empty clears it)
 * and a password change (the current password given; the new one at least 10
 * characters, different from the current one, typed the same twice). The
 * server checks again (it also refuses common passwords); its 422 `errors`
 * land on the same fields.
 */

/** The longest display name the server keeps. */
export const DISPLAY_NAME_MAX = 120;
/** The server's password policy: length bounds (it also refuses common passwords). */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

export interface CheckedName {
  /** What to send: the trimmed name, or null to clear it. */
  value: string | null;
  errors: { display_name?: string[] };
}

/** Characters as the server counts them (code points, not UTF-16 units). */
function length(text: string): number {
  return [...text].length;
}

export function checkDisplayName(raw: string): CheckedName {
  const value = raw.trim();
  if (length(value) > DISPLAY_NAME_MAX) {
    return { value: null, errors: { display_name: [`Use at most ${DISPLAY_NAME_MAX} characters.`] } };
  }
  return { value: value || null, errors: {} };
}

export type PasswordField = 'current_password' | 'new_password' | 'repeat_password';

export type PasswordFormValues = Record<PasswordField, string>;

export interface CheckedPasswordChange {
  input: { current_password: string; new_password: string } | null;
  errors: Partial<Record<PasswordField, string[]>>;
}

/** Passwords are taken as typed: no trimming (a space is a character of the password). */
export function checkPasswordChange(values: PasswordFormValues): CheckedPasswordChange {
  const errors: Partial<Record<PasswordField, string[]>> = {};
  const current = values.current_password;
  const next = values.new_password;
  if (!current) errors.current_password = ['Enter your current password.'];
  if (!next) errors.new_password = ['Enter a new password.'];
  else if (length(next) < PASSWORD_MIN) errors.new_password = [`Use at least ${PASSWORD_MIN} characters.`];
  else if (length(next) > PASSWORD_MAX) errors.new_password = [`Use at most ${PASSWORD_MAX} characters.`];
  else if (current && next === current) errors.new_password = ['Choose a password different from the current one.'];
  if (!values.repeat_password) errors.repeat_password = ['Type the new password again.'];
  else if (next && values.repeat_password !== next) errors.repeat_password = ['The two new passwords are not the same.'];
  if (Object.keys(errors).length > 0) return { input: null, errors };
  return { input: { current_password: current, new_password: next }, errors };
}

/** How a staff member is named on screen: their display name, else their email. */
export function staffName(member: { display_name?: string | null; email: string | null }): string {
  return member.display_name?.trim() || member.email || '';
}
