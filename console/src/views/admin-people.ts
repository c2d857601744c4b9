/**
 * Admin, agents and teams tab: agents (add, edit role and capacity, deactivate, reset password)
 * and teams (add, rename, members, assignment mode, delete).
 */
import { del, get, patch, post } from '../api.js';
import { h, replace, select } from '../dom.js';
import { PRESENCE_LABELS } from '../format.js';
import { showError, toast } from '../notify.js';
import { app } from '../state.js';
import type { AgentSummary, Team } from '../types.js';
import type { AdminSection } from './admin-section.js';
import { openDialog } from './dialogs.js';

/** Reloads agents and teams into the shared state. */
export async function loadPeople(): Promise<void> {
  const [agents, teams] = await Promise.all([get<{ agents: AgentSummary[] }>('/api/console/agents'), get<{ teams: Team[] }>('/api/console/teams')]);
  app.agents = new Map(agents.agents.map((a) => [a.id, a]));
  app.teams = new Map(teams.teams.map((t) => [t.id, t]));
  app.events.emit('agents', undefined);
}

function showPassword(name: string, password: string): void {
  openDialog({
    title: `Password for ${name}`,
    testid: 'password-dialog',
    body: [
      h('p', null, 'Hand it over privately. It is shown only now.'),
      h('code', { class: 'secret', dataset: { testid: 'generated-password' } }, password),
    ],
    submit: 'Done',
  });
}

export function peopleSection(): AdminSection {
  const agentsEl = h('section', { class: 'card', dataset: { testid: 'admin-agents' } });
  const teamsEl = h('section', { class: 'card', dataset: { testid: 'admin-teams' } });

  const run = (action: () => Promise<unknown>) => async () => {
    try {
      await action();
      await loadPeople();
    } catch (err) {
      showError(err);
    }
  };

  function agentRow(a: AgentSummary): HTMLElement {
    const role = select({ 'aria-label': `Role of ${a.name}`, onchange: (e: Event) => void run(() => patch(`/api/console/agents/${a.id}`, { role: (e.target as HTMLSelectElement).value }))() }, [
      ['agent', 'Agent'],
      ['admin', 'Admin'],
    ], a.role);
    const capacity = h('input', {
      type: 'number',
      min: 1,
      max: 100,
      value: String(a.capacity),
      'aria-label': `Capacity of ${a.name}`,
      class: 'narrow',
      onchange: (e: Event) => void run(() => patch(`/api/console/agents/${a.id}`, { capacity: Number((e.target as HTMLInputElement).value) }))(),
    });
    return h(
      'tr',
      { class: a.active ? '' : 'inactive', dataset: { agentId: a.id } },
      h('td', null, h('span', { class: `dot ${a.status}`, title: PRESENCE_LABELS[a.status] }), ' ', a.name),
      h('td', null, a.email),
      h('td', null, role),
      h('td', null, `${a.load} / `, capacity),
      h('td', null, a.active ? PRESENCE_LABELS[a.status] : 'Deactivated'),
      h(
        'td',
        null,
        h(
          'div',
          { class: 'row' },
        h(
          'button',
          {
            type: 'button',
            class: 'ghost small',
            onclick: run(async () => {
              const res = await post<{ password: string }>(`/api/console/agents/${a.id}/password`, {});
              showPassword(a.name, res.password);
            }),
          },
          'Reset password',
        ),
        a.id !== app.me!.id &&
        h(
          'button',
          {
            type: 'button',
            class: `ghost small ${a.active ? 'danger' : ''}`,
            dataset: { action: a.active ? 'deactivate' : 'activate' },
            onclick: run(async () => {
              if (a.active && !confirm(`Deactivate ${a.name}? They are signed out and their chats go back to the queue.`)) return;
              await patch(`/api/console/agents/${a.id}`, { active: !a.active });
            }),
          },
          a.active ? 'Deactivate' : 'Activate',
        ),
        ),
      ),
    );
  }

  const agentRows = h('tbody');
  /** The rows alone, so live presence does not wipe what is typed in the form below. */
  const renderAgentRows = () => replace(agentRows, [...app.agents.values()].map(agentRow));

  function renderAgents(): void {
    const name = h('input', { name: 'name', required: true, placeholder: 'Name', dataset: { testid: 'new-agent-name' } });
    const email = h('input', { name: 'email', type: 'email', required: true, placeholder: 'Email', dataset: { testid: 'new-agent-email' } });
    const password = h('input', { name: 'password', type: 'password', minlength: 8, placeholder: 'Password (blank: generate)', autocomplete: 'new-password' });
    const role = select({ name: 'role' }, [['agent', 'Agent'], ['admin', 'Admin']], 'agent');
    const capacity = h('input', { name: 'capacity', type: 'number', min: 1, max: 100, value: '5', class: 'narrow', 'aria-label': 'Capacity' });
    renderAgentRows();
    replace(
      agentsEl,
      h('h2', null, 'Agents'),
      h('table', { class: 'table' }, h('thead', null, h('tr', null, ...['Name', 'Email', 'Role', 'Chats / capacity', 'Status', ''].map((t) => h('th', null, t)))), agentRows),
      h(
        'form',
        {
          class: 'row add-form',
          dataset: { testid: 'new-agent' },
          onsubmit: async (e: SubmitEvent) => {
            e.preventDefault();
            try {
              const res = await post<{ agent: AgentSummary; password?: string }>('/api/console/agents', {
                name: name.value,
                email: email.value,
                role: role.value,
                capacity: Number(capacity.value),
                password: password.value || undefined,
              });
              toast(`${res.agent.name} can sign in now.`);
              if (res.password) showPassword(res.agent.name, res.password);
              await loadPeople();
            } catch (err) {
              showError(err);
            }
          },
        },
        name,
        email,
        password,
        role,
        capacity,
        h('button', { type: 'submit', class: 'primary' }, 'Add agent'),
      ),
    );
  }

  function teamCard(t: Team): HTMLElement {
    const boxes = [...app.agents.values()]
      .filter((a) => a.active)
      .map((a) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: String(a.id), checked: t.memberIds.includes(a.id) }), a.name));
    const name = h('input', { value: t.name, 'aria-label': 'Team name', maxlength: 60 });
    const mode = select({ 'aria-label': 'Assignment' }, [['auto', 'Automatic assignment'], ['manual', 'Agents pick from the queue']], t.assignmentMode);
    return h(
      'form',
      {
        class: 'team card stack',
        dataset: { teamId: t.id },
        onsubmit: (e: SubmitEvent) => {
          e.preventDefault();
          const memberIds = boxes.map((b) => b.querySelector('input')!).filter((i) => i.checked).map((i) => Number(i.value));
          void run(() => patch(`/api/console/teams/${t.id}`, { name: name.value, assignmentMode: mode.value, memberIds }))().then(() => toast('Team saved.'));
        },
      },
      h('div', { class: 'row' }, name, mode),
      h('div', { class: 'checks' }, boxes),
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'submit', class: 'primary small' }, 'Save'),
        h('button', { type: 'button', class: 'ghost small danger', onclick: () => confirm(`Delete team ${t.name}?`) && void run(() => del(`/api/console/teams/${t.id}`))() }, 'Delete'),
      ),
    );
  }

  function renderTeams(): void {
    const name = h('input', { name: 'name', required: true, placeholder: 'New team name', maxlength: 60, dataset: { testid: 'new-team-name' } });
    replace(
      teamsEl,
      h('h2', null, 'Teams'),
      app.teams.size ? [...app.teams.values()].map(teamCard) : h('p', { class: 'muted' }, 'No teams yet. Teams group agents for transfers, routing and reports.'),
      h(
        'form',
        { class: 'row add-form', onsubmit: (e: SubmitEvent) => (e.preventDefault(), void run(() => post('/api/console/teams', { name: name.value }))()) },
        name,
        h('button', { type: 'submit', class: 'primary' }, 'Add team'),
      ),
    );
  }

  const render = () => (renderAgents(), renderTeams());
  render();
  const offs = [app.events.on('agents', render), app.events.on('presence', () => renderAgentRows())];
  void loadPeople().catch(showError);
  return {
    el: h('div', { class: 'admin-panel' }, agentsEl, teamsEl),
    destroy: () => offs.forEach((off) => off()),
  };
}
