/**
 * "/clinic/staff" (admins): the clinic's clinicians and admins, active or
 * not. Per row, "Edit name" opens an inline form for the name colleagues see;
 * "Deactivate" (anyone active but yourself) asks first, in the page, then
 * takes the person's access away: every token of theirs is revoked at once.
 * Below the table, "Add a staff member" adds a clinician or an admin with an
 * initial password the admin shares and the colleague changes under Account;
 * the new row takes its place by email.
 * A clinician who opens the page is told it is for admins; no call is made.
 */
import { ApiError } from '../../shared/api';
import { h, message, uid } from '../../shared/dom';
import { whileBusy } from '../../shared/forms';
import type { StaffMember, User } from '../../shared/types';
import type { ClinicApp } from '../app';
import { DISPLAY_NAME_MAX, PASSWORD_MIN, checkDisplayName, checkNewStaff, staffPosition } from '../account-input';
import { formatDateTime, humanise } from '../format';
import { announce, dataTable, inputField, loadError, selectField, setError, showFieldErrors, showServerProblem, statusRegion, tableRow, tag, type Field } from '../ui';

interface RowContext {
  app: ClinicApp;
  me: User;
  /** Something happened: say it in the page's live region. */
  said(text: string): void;
  /** An action failed outside a form: show the problem above the table. */
  failed(error: unknown): void;
  cleared(): void;
}

function nameCell(member: StaffMember, me: User): HTMLElement {
  const isMe = String(member.id) === String(me.id);
  return h(
    'span',
    null,
    member.display_name ? member.display_name : [h('span', { 'aria-hidden': 'true' }, '—'), h('span', { class: 'visually-hidden' }, 'No name set')],
    isMe ? h('span', { class: 'small muted' }, ' (you)') : null,
  );
}

function statusCell(member: StaffMember): HTMLElement {
  const locked = member.active && member.locked_until && Date.parse(member.locked_until) > Date.now();
  return h(
    'span',
    null,
    member.active ? tag('Active', 'good') : tag('Deactivated', 'neutral'),
    locked ? h('span', { class: 'small block' }, `Sign-in locked until ${formatDateTime(member.locked_until)}`) : null,
  );
}

/** One staff row; its actions replace the row with a fresh one when the server answers. */
function staffRow(ctx: RowContext, member: StaffMember): HTMLTableRowElement {
  const { app, me } = ctx;
  const isMe = String(member.id) === String(me.id);
  const actions = h('div', { class: 'staff-actions' });
  const row = tableRow([nameCell(member, me), member.email, humanise(member.role), statusCell(member), actions]);
  row.dataset.staffId = String(member.id);
  row.dataset.email = member.email;

  const replaceWith = (updated: StaffMember, text: string) => {
    const next = staffRow(ctx, updated);
    row.replaceWith(next);
    ctx.said(text);
    next.querySelector<HTMLButtonElement>('.staff-edit')?.focus();
  };

  const edit = h('button', { type: 'button', class: 'button button-secondary button-small staff-edit' }, 'Edit name', h('span', { class: 'visually-hidden' }, ` of ${member.email}`));
  const buttons: HTMLElement[] = [edit];
  const deactivate = h('button', { type: 'button', class: 'button button-secondary button-small' }, 'Deactivate', h('span', { class: 'visually-hidden' }, ` ${member.email}`));
  if (member.active && !isMe) buttons.push(deactivate);
  const showButtons = (focus?: HTMLElement) => {
    actions.replaceChildren(...buttons);
    focus?.focus();
  };

  edit.addEventListener('click', () => {
    ctx.cleared();
    const name = inputField({
      label: ['Display name', h('span', { class: 'visually-hidden' }, ` of ${member.email}`)],
      name: 'display_name',
      value: member.display_name ?? '',
      maxlength: DISPLAY_NAME_MAX,
      hint: 'Empty shows the email.',
    });
    const errors = h('div', { class: 'form-messages', tabindex: '-1' });
    const save = h('button', { type: 'submit', class: 'button button-small' }, 'Save');
    const cancel = h('button', { type: 'button', class: 'button button-secondary button-small' }, 'Cancel');
    const form = h('form', { class: 'staff-name-form', novalidate: true, 'aria-label': `Name of ${member.email}` }, name.wrapper, errors, h('div', { class: 'button-row' }, save, cancel));
    cancel.addEventListener('click', () => showButtons(edit));
    form.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') showButtons(edit);
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const checked = checkDisplayName(name.control.value);
      if (Object.keys(checked.errors).length > 0) {
        showFieldErrors(checked.errors, [name], errors, 'The name was not saved.');
        return;
      }
      cancel.disabled = true;
      void whileBusy(save, 'Saving…', async () => {
        try {
          const updated = await app.api.updateStaffName(member.id, checked.value);
          if (isMe) app.session.updateUser({ ...me, display_name: updated.display_name });
          replaceWith(updated, `Name saved for ${updated.email}.`);
        } catch (error) {
          cancel.disabled = false;
          showServerProblem(error, [name], errors);
        }
      });
    });
    actions.replaceChildren(form);
    name.control.focus();
  });

  deactivate.addEventListener('click', () => {
    ctx.cleared();
    const questionId = uid('deactivate');
    const yes = h('button', { type: 'button', class: 'button button-small button-danger' }, 'Yes, deactivate');
    const keep = h('button', { type: 'button', class: 'button button-secondary button-small' }, 'Keep access');
    keep.addEventListener('click', () => showButtons(deactivate));
    yes.addEventListener('click', () => {
      keep.disabled = true;
      void whileBusy(yes, 'Deactivating…', async () => {
        try {
          const updated = await app.api.deactivateStaff(member.id);
          replaceWith(updated, `${updated.email} is deactivated: signed out everywhere, and can no longer sign in.`);
        } catch (error) {
          showButtons(deactivate);
          ctx.failed(error);
        }
      });
    });
    // The safe choice takes focus; the group's name is the question, read on entering it.
    actions.replaceChildren(
      h(
        'div',
        { class: 'staff-confirm', role: 'group', 'aria-labelledby': questionId },
        h('p', { id: questionId, class: 'staff-confirm-question' }, `Deactivate ${member.email}? They are signed out everywhere at once and can no longer sign in.`),
        h('div', { class: 'button-row' }, yes, keep),
      ),
    );
    keep.focus();
  });

  showButtons();
  return row;
}

const NOT_ADDED = 'The staff member was not added.';

/**
 * "Add a staff member": checked on the device first, then `POST /users`. A
 * taken email (409) is said on the Email field; the server's 422 lands on the
 * fields it names. `added` puts the new row in the table.
 */
function addSection(app: ClinicApp, ctx: RowContext, added: (member: StaffMember) => void): HTMLElement {
  const headingId = uid('add-staff');
  const email = inputField({ label: 'Email', name: 'email', type: 'email', required: true, autocomplete: 'off', hint: 'They sign in with it.' });
  email.control.setAttribute('autocapitalize', 'none');
  email.control.setAttribute('spellcheck', 'false');
  const name = inputField({
    label: 'Display name',
    name: 'display_name',
    maxlength: DISPLAY_NAME_MAX,
    hint: 'Optional. Shown to colleagues on the alert trail; without one they see the email.',
  });
  const role = selectField({
    label: 'Role',
    name: 'role',
    value: 'clinician',
    choices: [
      { value: 'clinician', label: 'Clinician' },
      { value: 'admin', label: 'Admin' },
    ],
    hint: 'Admins also manage staff.',
  });
  const password = inputField({
    label: 'Initial password',
    name: 'password',
    type: 'password',
    required: true,
    autocomplete: 'new-password',
    hint: `At least ${PASSWORD_MIN} characters, not a common password. Share it with them safely (in person or by phone, not in an email); they can change it under Account.`,
  });
  const showId = uid('show-password');
  const show = h('input', { type: 'checkbox', id: showId });
  show.addEventListener('change', () => {
    (password.control as HTMLInputElement).type = show.checked ? 'text' : 'password';
  });
  password.wrapper.append(h('div', { class: 'field-inline' }, show, h('label', { for: showId }, 'Show the password')));
  const fields: Field[] = [email, name, role, password];
  const errors = h('div', { class: 'form-messages', tabindex: '-1' });
  const submit = h('button', { type: 'submit', class: 'button' }, 'Add staff member');
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'aria-labelledby': headingId },
    email.wrapper,
    name.wrapper,
    role.wrapper,
    password.wrapper,
    errors,
    h('div', null, submit),
  );

  const reset = () => {
    for (const field of fields) setError(field, null);
    errors.replaceChildren();
    form.reset();
    role.control.value = 'clinician';
    (password.control as HTMLInputElement).type = 'password';
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    ctx.cleared();
    const checked = checkNewStaff({ email: email.control.value, display_name: name.control.value, role: role.control.value, password: password.control.value });
    if (!checked.input) {
      showFieldErrors(checked.errors, fields, errors, NOT_ADDED);
      return;
    }
    const input = checked.input;
    void whileBusy(submit, 'Adding…', async () => {
      try {
        const member = await app.api.addStaff(input);
        reset();
        added(member);
      } catch (error) {
        if (error instanceof ApiError && error.status === 409) showFieldErrors({ email: [error.message] }, fields, errors, NOT_ADDED);
        else showServerProblem(error, fields, errors);
      }
    });
  });

  return h(
    'section',
    { class: 'card account-section staff-add', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, 'Add a staff member'),
    h('p', null, 'They can sign in to the clinic app at once with their email and the initial password you choose.'),
    form,
  );
}

export async function renderStaff(app: ClinicApp): Promise<Node> {
  const page = h('section', { class: 'page page-wide' }, h('h1', null, 'Staff'));
  const me = app.session.user();
  if (!me || me.role !== 'admin') {
    page.append(message('info', 'Only a clinic admin can manage staff.'));
    return page;
  }
  const status = statusRegion();
  const problems = h('div', { class: 'form-messages', tabindex: '-1' });
  page.append(
    h('p', { class: 'lead' }, 'Everyone with access to the clinic app. Deactivating someone signs them out at once; what they recorded keeps their name.'),
    status,
    problems,
  );

  let members: StaffMember[];
  try {
    members = await app.api.staff();
  } catch (error) {
    page.append(loadError(error, 'The staff list'));
    return page;
  }
  const ctx: RowContext = {
    app,
    me,
    said: (text) => {
      problems.replaceChildren();
      announce(status, text);
    },
    failed: (error) => {
      status.replaceChildren();
      showServerProblem(error, [], problems);
    },
    cleared: () => {
      status.replaceChildren();
      problems.replaceChildren();
    },
  };
  const caption = `Clinicians and admins${me.clinic ? ` of ${me.clinic.name}` : ''}, by email`;
  const table = dataTable(caption, ['Name', 'Email', 'Role', 'Status', 'Actions'], [], { className: 'data staff-table' });
  const body = table.querySelector('tbody');
  body?.append(...members.map((member) => staffRow(ctx, member)));
  const empty = message('info', 'No staff accounts yet.');
  const added = (member: StaffMember) => {
    if (!body) return;
    const rows = [...body.rows];
    const row = staffRow(ctx, member);
    body.insertBefore(row, rows[staffPosition(rows.map((other) => other.dataset.email ?? ''), member.email)] ?? null);
    if (empty.isConnected) empty.replaceWith(table);
    ctx.said(`Added ${member.email}.`);
    row.querySelector<HTMLButtonElement>('.staff-edit')?.focus();
  };
  page.append(members.length > 0 ? table : empty, addSection(app, ctx, added));
  return page;
}
