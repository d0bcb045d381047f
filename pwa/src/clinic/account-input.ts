/**
 * The account screens' checks on the device, as the server makes them: a
 * display name (whitespace trimmed, at most 120 characters, empty clears it)
 * and a password change (the current password given; the new one at least 10
 * characters, different from the current one, typed the same twice), and an
 * admin's new colleague (an email, an optional name, a role, an initial
 * password within the same bounds). The server checks again (it also refuses
 * common passwords and a name a colleague already has); its 422 `errors` land
 * on the same fields.
 */
import type { NewStaffInput, StaffRole } from '../shared/types';

/** The longest display name the server keeps. */
export const DISPLAY_NAME_MAX = 120;
/** The server's password policy: length bounds (it also refuses common passwords). */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128; // services/passwords.py MAX_LENGTH

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

/** A new password's length, as the server's policy bounds it (it also refuses common ones). */
function passwordProblem(password: string): string | null {
  if (length(password) < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters.`;
  if (length(password) > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters.`;
  return null;
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
  const tooShortOrLong = passwordProblem(next);
  if (!current) errors.current_password = ['Enter your current password.'];
  if (!next) errors.new_password = ['Enter a new password.'];
  else if (tooShortOrLong) errors.new_password = [tooShortOrLong];
  else if (current && next === current) errors.new_password = ['Choose a password different from the current one.'];
  if (!values.repeat_password) errors.repeat_password = ['Type the new password again.'];
  else if (next && values.repeat_password !== next) errors.repeat_password = ['The two new passwords are not the same.'];
  if (Object.keys(errors).length > 0) return { input: null, errors };
  return { input: { current_password: current, new_password: next }, errors };
}

export type NewStaffField = 'email' | 'display_name' | 'role' | 'password';

export type NewStaffValues = Record<NewStaffField, string>;

export interface CheckedNewStaff {
  input: NewStaffInput | null;
  errors: Partial<Record<NewStaffField, string[]>>;
}

/** The roles an admin may give a colleague. */
export const STAFF_ROLES: readonly StaffRole[] = ['clinician', 'admin'];

/**
 * The "Add a staff member" form: the email trimmed and not empty (the server
 * checks its form), the name as `checkDisplayName` keeps it, the initial
 * password as typed within the policy's length bounds.
 */
export function checkNewStaff(values: NewStaffValues): CheckedNewStaff {
  const errors: Partial<Record<NewStaffField, string[]>> = {};
  const email = values.email.trim();
  if (!email) errors.email = ['Enter their email address.'];
  const name = checkDisplayName(values.display_name);
  if (name.errors.display_name) errors.display_name = name.errors.display_name;
  const role = STAFF_ROLES.find((known) => known === values.role);
  if (!role) errors.role = ['Choose Clinician or Admin.'];
  const tooShortOrLong = passwordProblem(values.password);
  if (!values.password) errors.password = ['Enter an initial password.'];
  else if (tooShortOrLong) errors.password = [tooShortOrLong];
  if (!role || Object.keys(errors).length > 0) return { input: null, errors };
  return { input: { email, password: values.password, role, display_name: name.value }, errors };
}

/**
 * Where a new row goes in a list kept by email (the server's order): before
 * the first row whose email sorts after it, else at the end.
 */
export function staffPosition(emails: readonly string[], email: string): number {
  const index = emails.findIndex((other) => other > email);
  return index === -1 ? emails.length : index;
}

/** How a staff member is named on screen: their display name, else their email. */
export function staffName(member: { display_name?: string | null; email: string | null }): string {
  return member.display_name?.trim() || member.email || '';
}
