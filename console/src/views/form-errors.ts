/**
 * The server's answer to a refused form, shown next to the form: every problem it named, one per
 * line, and the fields they are about marked invalid. Fields say which problems are theirs with
 * `data-problem="week.mon"` (a problem starting with that path, like `week.mon[0]: "from"…`).
 * The same message also goes to a toast, like every other failed action.
 */
import { ApiError } from '../api.js';
import { h, replace } from '../dom.js';
import { showError } from '../notify.js';

export interface FormErrors {
  el: HTMLElement;
  /** Shows a failure (the server's problems, or the error's message) and marks the fields in `scope`. */
  show(err: unknown, scope: ParentNode): void;
  clear(scope: ParentNode): void;
}

/** Does `problem` talk about the field at `path`? ("week.mon" matches "week.mon[0]: …", not "week.monday".) */
export function problemIsAbout(problem: string, path: string): boolean {
  if (!problem.startsWith(path)) return false;
  const next = problem.charAt(path.length);
  return next === '' || /[\s.[:]/.test(next);
}

export function formErrors(testid: string): FormErrors {
  const el = h('div', { class: 'form-errors', role: 'alert', hidden: true, dataset: { testid } });
  const clear = (scope: ParentNode) => {
    el.hidden = true;
    el.replaceChildren();
    for (const f of scope.querySelectorAll('[data-problem][aria-invalid]')) f.removeAttribute('aria-invalid');
  };
  return {
    el,
    clear,
    show(err, scope) {
      clear(scope);
      const problems = err instanceof ApiError && err.problems.length ? err.problems : [err instanceof Error ? err.message : String(err)];
      replace(
        el,
        h('p', null, problems.length === 1 ? 'Not saved:' : `Not saved, ${problems.length} problems:`),
        h('ul', null, problems.map((p) => h('li', null, p))),
      );
      el.hidden = false;
      for (const f of scope.querySelectorAll<HTMLElement>('[data-problem]')) {
        if (problems.some((p) => problemIsAbout(p, f.dataset.problem!))) f.setAttribute('aria-invalid', 'true');
      }
      showError(err);
    },
  };
}
