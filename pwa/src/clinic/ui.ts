/** Small building blocks of the clinician's screens: tables, tags, labelled fields, file saving. */
import { ApiError, flattenErrors } from '../shared/api';
import { h, message, replaceChildren, uid, type Child } from '../shared/dom';
import type { DownloadedFile, Problem } from '../shared/types';

/** A captioned data table; `rows` are arrays of cells, the first cell is the row header. */
export function dataTable(caption: string, headers: readonly string[], rows: readonly (readonly Child[])[], options: { captionVisible?: boolean; className?: string } = {}): HTMLElement {
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: options.className ?? 'data' },
      h('caption', { class: options.captionVisible ? 'table-caption' : 'visually-hidden' }, caption),
      h('thead', null, h('tr', null, headers.map((text) => h('th', { scope: 'col' }, text)))),
      h(
        'tbody',
        null,
        rows.map((cells) => tableRow(cells)),
      ),
    ),
  );
}

/** One row of a `dataTable`: the first cell is the row header (a row re-rendered in place uses it too). */
export function tableRow(cells: readonly Child[]): HTMLTableRowElement {
  return h('tr', null, cells.map((cell, i) => (i === 0 ? h('th', { scope: 'row' }, cell) : h('td', null, cell))));
}

/** A short coloured label; the colour repeats what the text says, never replaces it. */
export function tag(text: string, kind = 'neutral'): HTMLElement {
  return h('span', { class: `tag tag-${kind}` }, text);
}

/** What a failed load says in a section. A 404 from an endpoint not on this server is "not available". */
export function loadError(error: unknown, what: string): HTMLElement {
  if (error instanceof ApiError && error.isNotFound) return message('info', `${what} is not available on this server.`);
  if (error instanceof ApiError) return message('error', `${what} could not be loaded. ${error.message}`);
  console.error(error);
  return message('error', `${what} could not be loaded.`);
}

/** A polite live region, in the page (empty) from the start so screen readers hear what lands in it. */
export function statusRegion(): HTMLElement {
  return h('div', { class: 'status-region', role: 'status', 'aria-live': 'polite' });
}

/** Says what just happened, in a `statusRegion`. */
export function announce(region: HTMLElement, text: string): void {
  replaceChildren(region, h('p', { class: 'message message-success' }, text));
}

export interface Field {
  name: string;
  wrapper: HTMLElement;
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  error: HTMLElement;
}

interface FieldOptions {
  /** Text, or text with a visually hidden part (whose field, in a table row). */
  label: Child;
  name: string;
  hint?: string;
  required?: boolean;
  className?: string;
}

function wire(options: FieldOptions, control: Field['control'], id: string): Field {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  control.id = id;
  control.name = options.name;
  if (options.required) control.required = true;
  control.setAttribute('aria-describedby', [options.hint ? hintId : null, errorId].filter(Boolean).join(' '));
  const error = h('p', { id: errorId, class: 'field-error', hidden: true });
  const wrapper = h(
    'div',
    { class: `field ${options.className ?? ''}`.trim() },
    h('label', { for: id }, options.label),
    options.hint ? h('p', { id: hintId, class: 'field-hint' }, options.hint) : null,
    control,
    error,
  );
  return { name: options.name, wrapper, control, error };
}

export function inputField(options: FieldOptions & { type?: string; value?: string; min?: number; max?: number; step?: string; inputmode?: string; autocomplete?: string; maxlength?: number }): Field {
  const input = h('input', {
    type: options.type ?? 'text',
    value: options.value ?? '',
    min: options.min,
    max: options.max,
    step: options.step,
    inputmode: options.inputmode,
    autocomplete: options.autocomplete ?? 'off',
    maxlength: options.maxlength,
  });
  return wire(options, input, uid(options.name));
}

export function selectField(options: FieldOptions & { choices: readonly { value: string; label: string }[]; value?: string }): Field {
  const select = h(
    'select',
    null,
    options.choices.map((choice) => h('option', { value: choice.value }, choice.label)),
  );
  if (options.value !== undefined) select.value = options.value;
  return wire(options, select, uid(options.name));
}

export function textareaField(options: FieldOptions & { value?: string; rows?: number; maxlength?: number }): Field {
  const area = h('textarea', { rows: options.rows ?? 3, maxlength: options.maxlength });
  area.value = options.value ?? '';
  return wire(options, area, uid(options.name));
}

export function setError(field: Field, text: string | null): void {
  field.error.textContent = text ?? '';
  field.error.hidden = !text;
  if (text) field.control.setAttribute('aria-invalid', 'true');
  else field.control.removeAttribute('aria-invalid');
}

/**
 * Shows messages per field (the form's own checks, or the server's 422
 * `errors`), the rest in `region`; focus goes to the first invalid field.
 * Answers how many messages were shown.
 */
export function showFieldErrors(errors: Record<string, readonly string[]>, fields: readonly Field[], region: HTMLElement, headline: string): void {
  const byName = new Map(fields.map((field) => [field.name, field]));
  for (const field of fields) setError(field, null);
  const leftover: string[] = [];
  let first: Field | null = null;
  for (const [name, messages] of Object.entries(errors)) {
    const field = byName.get(name) ?? byName.get(name.split('.')[0] ?? '');
    if (field) {
      setError(field, [field.error.textContent, ...messages].filter(Boolean).join(' '));
      first ??= field;
    } else {
      leftover.push(`${name.replace(/[_.]+/g, ' ')}: ${messages.join(' ')}`);
    }
  }
  const count = Object.values(errors).reduce((n, list) => n + list.length, 0);
  replaceChildren(
    region,
    message(
      'error',
      h('p', null, headline, count > 0 ? ` (${count} ${count === 1 ? 'problem' : 'problems'})` : ''),
      leftover.length > 0 ? h('ul', null, leftover.map((text) => h('li', null, text))) : null,
    ),
  );
  if (first) first.control.focus();
  else region.focus();
}

/** The server's refusal shown on the fields it names. */
export function showServerProblem(error: unknown, fields: readonly Field[], region: HTMLElement): void {
  if (error instanceof ApiError && error.problem?.errors) {
    showFieldErrors(flattenErrors((error.problem as Problem).errors), fields, region, error.problem.detail ?? error.problem.title ?? 'The server refused the form.');
    return;
  }
  for (const field of fields) setError(field, null);
  replaceChildren(region, message('error', error instanceof Error ? error.message : 'Something went wrong. Please try again.'));
  region.focus();
}

/** The zones a time-zone select offers (the browser's list), with `first` in it even when the list lacks it. */
export function timeZoneChoices(first: string): { value: string; label: string }[] {
  let zones: string[];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  return (zones.includes(first) ? zones : [first, ...zones]).map((zone) => ({ value: zone, label: zone.replace(/_/g, ' ') }));
}

/** Hands a downloaded file to the browser's "save" (a temporary object URL; nothing kept). */
export function saveFile(file: DownloadedFile): void {
  const url = URL.createObjectURL(file.blob);
  const link = h('a', { href: url, download: file.filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
