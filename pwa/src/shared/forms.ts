/** Labelled form fields with hint and error text wired for screen readers. */
import { ApiError, describeProblem, flattenErrors } from './api';
import { h, message, replaceChildren, uid } from './dom';
import type { Problem } from './types';

export interface TextField {
  wrapper: HTMLElement;
  input: HTMLInputElement;
  error: HTMLElement;
}

export interface TextFieldOptions {
  label: string;
  name: string;
  type?: 'text' | 'email' | 'password' | 'time' | 'search';
  autocomplete?: string;
  required?: boolean;
  hint?: string;
  value?: string;
  inputmode?: string;
  autocapitalize?: string;
  spellcheck?: boolean;
  maxlength?: number;
}

export function textField(options: TextFieldOptions): TextField {
  const id = uid(options.name);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const input = h('input', {
    id,
    name: options.name,
    type: options.type ?? 'text',
    autocomplete: options.autocomplete,
    required: options.required,
    inputmode: options.inputmode,
    autocapitalize: options.autocapitalize,
    spellcheck: options.spellcheck === undefined ? undefined : String(options.spellcheck),
    maxlength: options.maxlength,
    'aria-describedby': [options.hint ? hintId : null, errorId].filter(Boolean).join(' '),
    value: options.value,
  });
  const error = h('p', { id: errorId, class: 'field-error', hidden: true });
  const wrapper = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, options.label),
    options.hint ? h('p', { id: hintId, class: 'field-hint' }, options.hint) : null,
    input,
    error,
  );
  return { wrapper, input, error };
}

export function setFieldError(field: TextField, text: string | null): void {
  field.error.textContent = text ?? '';
  field.error.hidden = !text;
  if (text) field.input.setAttribute('aria-invalid', 'true');
  else field.input.removeAttribute('aria-invalid');
}

/**
 * Shows a failed request: field messages next to their fields, the rest in
 * `region`. Focus goes to the first invalid field, or the region.
 */
export function showRequestError(
  error: unknown,
  region: HTMLElement,
  fields: Record<string, TextField> = {},
): void {
  if (!(error instanceof ApiError)) {
    console.error(error);
    for (const field of Object.values(fields)) setFieldError(field, null);
    replaceChildren(region, message('error', 'Something went wrong. Please try again.'));
    return;
  }
  showProblem(error.status, error.problem, region, fields);
}

/** Shows a problem document (from the server, or built by a form's own checks). */
export function showProblem(
  status: number,
  problem: Problem | null,
  region: HTMLElement,
  fields: Record<string, TextField> = {},
): void {
  for (const field of Object.values(fields)) setFieldError(field, null);
  const leftover: Record<string, string[] | string> = {};
  let firstInvalid: HTMLInputElement | null = null;
  for (const [name, messages] of Object.entries(flattenErrors(problem?.errors))) {
    const field = fields[name];
    const text = messages.join(' ');
    if (field) {
      setFieldError(field, text);
      firstInvalid ??= field.input;
    } else {
      leftover[name] = messages;
    }
  }
  const rest = problem ? { ...problem, errors: leftover } : null;
  replaceChildren(region, message('error', describeProblem(status, rest)));
  if (firstInvalid) firstInvalid.focus();
}

/** Clears field errors and the message region after a success. */
export function clearErrors(region: HTMLElement, fields: Record<string, TextField> = {}): void {
  for (const field of Object.values(fields)) setFieldError(field, null);
  region.replaceChildren();
}

/** Disables a submit button while `work` runs, with a busy label. */
export async function whileBusy<T>(button: HTMLButtonElement, busyLabel: string, work: () => Promise<T>): Promise<T> {
  const label = button.textContent ?? '';
  button.disabled = true;
  button.setAttribute('aria-disabled', 'true');
  button.textContent = busyLabel;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-disabled');
    button.textContent = label;
  }
}
