// Showing validation problems next to form fields. A field is marked with
// `data-field="name"` and its message goes into the element marked
// `data-error-for="name"` in the same form.

import type { FieldProblem } from './auth';
import type { Translator } from './i18n';

export function clearProblems(form: HTMLElement): void {
  for (const message of form.querySelectorAll<HTMLElement>('[data-error-for]')) {
    message.textContent = '';
    message.hidden = true;
  }
  for (const field of form.querySelectorAll<HTMLElement>('[data-field]')) {
    field.removeAttribute('aria-invalid');
  }
}

/** Marks the fields with problems, shows their messages, and focuses the first one. Returns whether there were any. */
export function showProblems(form: HTMLElement, problems: FieldProblem[], translator: Translator): boolean {
  clearProblems(form);
  let first: HTMLElement | null = null;
  for (const problem of problems) {
    const field = form.querySelector<HTMLElement>(`[data-field="${problem.field}"]`);
    const message = form.querySelector<HTMLElement>(`[data-error-for="${problem.field}"]`);
    if (message) {
      message.textContent = message.textContent ? `${message.textContent} ${translator.t(problem.message)}` : translator.t(problem.message);
      message.hidden = false;
    }
    if (field) {
      field.setAttribute('aria-invalid', 'true');
      first ??= field;
    }
  }
  first?.focus();
  return problems.length > 0;
}

export function inputValue(form: HTMLElement, field: string): string {
  return form.querySelector<HTMLInputElement | HTMLSelectElement>(`[data-field="${field}"]`)?.value ?? '';
}

export function setBusy(form: HTMLFormElement, busy: boolean): void {
  form.setAttribute('aria-busy', String(busy));
  for (const button of form.querySelectorAll<HTMLButtonElement>('button')) {
    button.disabled = busy;
  }
}
