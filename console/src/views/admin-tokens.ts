/**
 * API tokens (admin): the list (name, start of the token, role, created, last used, revoked), issuing
 * one (shown once) and revoking (after a confirmation). Tokens are for CRMs, ERPs and scripts:
 * `Authorization: Bearer cbt_...` on the REST API.
 */
import { del, get, post } from '../api.js';
import { h, replace, select } from '../dom.js';
import { fullTime, relative, when } from '../format.js';
import { showError, toast } from '../notify.js';
import type { ApiToken } from '../ops-types.js';
import { agentName } from '../state.js';
import type { AdminSection } from './admin-section.js';
import { formErrors } from './form-errors.js';
import { showSecretOnce } from './secret-dialog.js';

const stamp = (at: number | null, none: string): HTMLElement =>
  at === null ? h('span', { class: 'muted' }, none) : h('time', { title: fullTime(at), dateTime: new Date(at).toISOString() }, relative(at));

export function tokensSection(): AdminSection {
  const rows = h('tbody');
  const errors = formErrors('token-errors');
  const name = h('input', { name: 'name', required: true, maxlength: 100, placeholder: 'What it is for, e.g. "CRM sync"', class: 'wide', dataset: { testid: 'token-name', problem: 'name' } });
  const role = select({ name: 'role', 'aria-label': 'Role', dataset: { testid: 'token-role' } }, [['agent', 'Agent rights'], ['admin', 'Admin rights']], 'agent');
  const form = h(
    'form',
    { class: 'add-box', novalidate: true, dataset: { testid: 'new-token' }, onsubmit: (e: SubmitEvent) => (e.preventDefault(), void issue()) },
    h('h3', null, 'Issue a token'),
    h('div', { class: 'row' }, name, role, h('button', { type: 'submit', class: 'primary' }, 'Issue token')),
    errors.el,
  );
  const el = h(
    'div',
    { class: 'admin-panel', dataset: { testid: 'admin-tokens' } },
    h(
      'section',
      { class: 'card' },
      h('h2', null, 'API tokens'),
      h(
        'p',
        { class: 'hint' },
        'For CRMs, ERPs and scripts: send ',
        h('code', { class: 'code' }, 'Authorization: Bearer cbt_…'),
        ' with REST calls (see /docs). A token acts as the admin who issued it, with the rights chosen here; it cannot manage tokens. Revoked tokens stop working at once.',
      ),
      h('table', { class: 'table' }, h('thead', null, h('tr', null, ...['Name', 'Token', 'Rights', 'Issued', 'Last used', 'Status', ''].map((t) => h('th', null, t)))), rows),
      form,
    ),
  );

  function row(t: ApiToken): HTMLElement {
    const revoked = t.revokedAt !== null;
    return h(
      'tr',
      { class: revoked ? 'inactive' : '', dataset: { tokenId: t.id } },
      h('td', { class: 'wrap' }, h('strong', null, t.name)),
      h('td', { class: 'nowrap' }, h('code', null, `${t.prefix}…`)),
      h('td', null, t.role === 'admin' ? 'Admin' : 'Agent'),
      h('td', { class: 'nowrap' }, h('span', { title: fullTime(t.createdAt) }, when(t.createdAt)), h('span', { class: 'sub' }, `by ${agentName(t.createdBy ?? t.agentId)}`)),
      h('td', { class: 'nowrap', dataset: { testid: 'token-last-used' } }, stamp(t.lastUsedAt, 'never')),
      h(
        'td',
        { dataset: { testid: 'token-status' } },
        revoked ? h('span', { class: 'pill off', title: fullTime(t.revokedAt!) }, `Revoked ${when(t.revokedAt!)}`) : h('span', { class: 'pill ok' }, 'Active'),
      ),
      h(
        'td',
        null,
        !revoked &&
          h(
            'div',
            { class: 'actions-cell' },
            h('button', { type: 'button', class: 'ghost small danger', dataset: { action: 'revoke' }, onclick: () => void revoke(t) }, 'Revoke'),
          ),
      ),
    );
  }

  async function load(): Promise<void> {
    try {
      const { tokens } = await get<{ tokens: ApiToken[] }>('/api/tokens');
      // Active first, newest first.
      tokens.sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || b.createdAt - a.createdAt);
      replace(rows, tokens.length ? tokens.map(row) : h('tr', { class: 'empty-row' }, h('td', { colspan: 7 }, 'No tokens yet.')));
    } catch (err) {
      showError(err);
    }
  }

  async function issue(): Promise<void> {
    errors.clear(form);
    try {
      const res = await post<{ token: string; apiToken: ApiToken }>('/api/tokens', { name: name.value.trim(), role: role.value });
      name.value = '';
      showSecretOnce({
        title: `API token “${res.apiToken.name}”`,
        testid: 'issued-token',
        secret: res.token,
        lines: [h('p', { class: 'muted' }, 'Send it as ', h('code', { class: 'code' }, 'Authorization: Bearer <token>'), '. Revoke it here when it leaks or is no longer needed.')],
      });
      await load();
    } catch (err) {
      errors.show(err, form);
    }
  }

  async function revoke(t: ApiToken): Promise<void> {
    if (!confirm(`Revoke the token “${t.name}”? Whatever uses it is refused from now on.`)) return;
    try {
      await del(`/api/tokens/${t.id}`);
      toast(`Token “${t.name}” revoked.`);
    } catch (err) {
      showError(err);
    }
    await load();
  }

  return { el, show: () => void load() };
}
