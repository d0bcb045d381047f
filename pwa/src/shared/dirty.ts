/**
 * Forms with answers not yet submitted. The update prompt asks before
 * reloading over them; nothing reloads by itself.
 */
const dirtyForms = new Set<HTMLFormElement>();

export function trackUnsavedChanges(form: HTMLFormElement): void {
  const mark = () => dirtyForms.add(form);
  form.addEventListener('input', mark);
  form.addEventListener('change', mark);
}

export function markSaved(form: HTMLFormElement): void {
  dirtyForms.delete(form);
}

export function hasUnsavedChanges(): boolean {
  for (const form of dirtyForms) {
    if (!form.isConnected) dirtyForms.delete(form);
  }
  return dirtyForms.size > 0;
}

export function isUnsaved(form: HTMLFormElement): boolean {
  return dirtyForms.has(form);
}
