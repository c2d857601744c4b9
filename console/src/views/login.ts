/** The sign-in form. Its selectors (form#login, input[name=email|password]) are relied on by tests. */
import { post } from '../api.js';
import { h } from '../dom.js';

export function loginView(onSignedIn: () => void): HTMLElement {
  const error = h('p', { class: 'error', role: 'alert', id: 'login-error' });
  const email = h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    {
      id: 'login',
      'aria-label': 'Sign in',
      onsubmit: async (e: SubmitEvent) => {
        e.preventDefault();
        submit.disabled = true;
        error.textContent = '';
        try {
          await post('/api/auth/login', { email: email.value.trim(), password: password.value });
          onSignedIn();
        } catch (err) {
          error.textContent = err instanceof Error ? err.message : 'Sign-in failed.';
          password.select();
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('div', { class: 'brand big' }, h('span', { class: 'logo' }, 'cb'), 'chatbridge'),
    h('p', { class: 'muted' }, 'Sign in to the agent console'),
    h('label', { for: 'email' }, 'Email'),
    email,
    h('label', { for: 'password' }, 'Password'),
    password,
    submit,
    error,
  );
  return h('div', { class: 'login-page' }, form);
}
