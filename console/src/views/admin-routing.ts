/**
 * Routing (admin): automatic assignment on or off, the last-agent preference, re-assignment and
 * offline grace times, the team and priority rules (edited as JSON, checked by the server), and
 * each team's assignment mode (automatic, or agents pick from the queue). Saved with
 * PUT /api/settings/routing; refused settings are listed next to the form.
 */
import { ApiError, get, patch, post, put } from '../api.js';
import { h, replace, select } from '../dom.js';
import { showError, toast } from '../notify.js';
import type { RoutingSettings } from '../ops-types.js';
import type { Team } from '../types.js';
import { loadPeople } from './admin-people.js';
import { formErrors } from './form-errors.js';

type TeamInfo = Pick<Team, 'id' | 'name' | 'assignmentMode' | 'memberIds'>;

const TEAM_RULE_HELP = 'A list of { "teamId", and any of "channel", "language", "topic", "tag", "keywords": [...] }. The first matching rule picks the team.';
const PRIORITY_RULE_HELP = 'A list of { "priority": "urgent" | "high" | "normal" | "low", and conditions as above }. The highest matching priority wins.';

/** Minutes from a text field: blank → `blank`, a number → that number, anything else as typed (the server names the problem). */
function minutes(text: string, blank: number | null): number | string | null {
  const t = text.trim();
  if (!t) return blank;
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
}

/** One rule per line, so a list of rules reads like a table. */
function rulesText(rules: unknown[]): string {
  return rules.length ? `[\n${rules.map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n]` : '[]';
}

export function routingCard(): { el: HTMLElement; reloadTeams(): void } {
  const form = h('form', { class: 'stack', novalidate: true, onsubmit: (e: SubmitEvent) => (e.preventDefault(), void save()) });
  const teamsEl = h('div', { class: 'subsection', dataset: { testid: 'routing-teams' } });
  const errors = formErrors('routing-errors');
  const card = h(
    'section',
    { class: 'card', dataset: { testid: 'admin-routing-rules' } },
    h(
      'div',
      { class: 'section-head' },
      h('h2', null, 'Routing'),
      h('span', { class: 'spacer' }),
      h('button', { type: 'button', class: 'small', title: 'Re-assign where due, then serve the queue', onclick: () => void runNow() }, 'Run routing now'),
    ),
    h('p', { class: 'hint' }, 'How queued conversations reach agents: which team and priority rules give them, and whether they are assigned automatically or picked from the queue.'),
    form,
    teamsEl,
  );
  let read: () => Record<string, unknown> | null = () => null;

  function render(settings: RoutingSettings): void {
    const auto = h('input', { type: 'checkbox', checked: settings.autoAssign, dataset: { testid: 'routing-auto', problem: 'autoAssign' } });
    const last = h('input', { type: 'checkbox', checked: settings.preferLastAgent, dataset: { problem: 'preferLastAgent' } });
    const reassign = h('input', {
      value: settings.reassignAfterMinutes === null ? '' : String(settings.reassignAfterMinutes),
      inputmode: 'numeric',
      placeholder: 'never',
      dataset: { testid: 'routing-reassign', problem: 'reassignAfterMinutes' },
    });
    const grace = h('input', { value: String(settings.offlineGraceMinutes), inputmode: 'numeric', dataset: { testid: 'routing-grace', problem: 'offlineGraceMinutes' } });
    const json = (rules: unknown[], testid: string, problem: string) =>
      h('textarea', { class: 'json-editor', spellcheck: 'false', rows: Math.min(12, Math.max(4, rules.length + 3)), value: rulesText(rules), dataset: { testid, problem } });
    const teamRules = json(settings.teamRules, 'routing-team-rules', 'teamRules');
    const priorityRules = json(settings.priorityRules, 'routing-priority-rules', 'priorityRules');
    read = () => {
      const parsed: Record<string, unknown> = {
        autoAssign: auto.checked,
        preferLastAgent: last.checked,
        reassignAfterMinutes: minutes(reassign.value, null),
        offlineGraceMinutes: minutes(grace.value, 0),
      };
      const problems: string[] = [];
      for (const [key, area, label] of [
        ['teamRules', teamRules, 'Team rules'],
        ['priorityRules', priorityRules, 'Priority rules'],
      ] as const) {
        try {
          parsed[key] = area.value.trim() ? JSON.parse(area.value) : [];
        } catch (err) {
          problems.push(`${key}: ${label} are not valid JSON (${err instanceof Error ? err.message : String(err)})`);
        }
      }
      if (problems.length) throw new ApiError(400, 'invalid', problems.join('; '), problems);
      return parsed;
    };
    replace(
      form,
      h(
        'div',
        { class: 'settings-grid' },
        h('label', { class: 'check' }, auto, 'Assign queued conversations automatically'),
        h('label', { class: 'check' }, last, "Prefer the customer's last agent"),
        h('label', null, 'Re-assign unanswered after (minutes, blank: never)', reassign),
        h('label', null, 'Offline grace before chats move (minutes)', grace),
      ),
      h(
        'div',
        { class: 'two-cols' },
        h('label', null, 'Team rules (JSON)', teamRules, h('span', { class: 'muted' }, TEAM_RULE_HELP)),
        h('label', null, 'Priority rules (JSON)', priorityRules, h('span', { class: 'muted' }, PRIORITY_RULE_HELP)),
      ),
      errors.el,
      h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary', dataset: { testid: 'routing-save' } }, 'Save routing'), h('button', { type: 'button', class: 'ghost', onclick: () => void load() }, 'Undo changes')),
    );
  }

  function renderTeams(teams: TeamInfo[]): void {
    replace(
      teamsEl,
      h('h4', null, 'Assignment per team'),
      teams.length
        ? h(
            'table',
            { class: 'table' },
            h('thead', null, h('tr', null, h('th', null, 'Id'), h('th', null, 'Team'), h('th', null, 'Members'), h('th', null, 'Assignment'))),
            h(
              'tbody',
              null,
              teams.map((t) =>
                h(
                  'tr',
                  { dataset: { teamId: t.id } },
                  h('td', null, h('code', null, String(t.id))),
                  h('td', null, t.name),
                  h('td', null, String(t.memberIds.length)),
                  h(
                    'td',
                    null,
                    select(
                      {
                        'aria-label': `Assignment for ${t.name}`,
                        dataset: { testid: 'team-mode' },
                        onchange: (e: Event) => void setMode(t, (e.target as HTMLSelectElement).value as Team['assignmentMode']),
                      },
                      [
                        ['auto', 'Automatic (routing assigns)'],
                        ['manual', 'Manual: agents pick from the queue'],
                      ],
                      t.assignmentMode,
                    ),
                  ),
                ),
              ),
            ),
          )
        : h('p', { class: 'muted' }, 'No teams yet: add them under Agents & teams, then route to them by id.'),
    );
  }

  async function setMode(team: TeamInfo, mode: Team['assignmentMode']): Promise<void> {
    try {
      await patch(`/api/console/teams/${team.id}`, { assignmentMode: mode });
      toast(mode === 'manual' ? `${team.name}: agents now pick from the queue.` : `${team.name}: assigned automatically.`);
      await loadPeople();
    } catch (err) {
      showError(err);
    }
    await load();
  }

  async function load(): Promise<void> {
    try {
      const res = await get<{ settings: RoutingSettings; teams: TeamInfo[] }>('/api/settings/routing');
      render(res.settings);
      renderTeams(res.teams);
    } catch (err) {
      replace(form, errors.el);
      errors.show(err, form);
    }
  }

  async function save(): Promise<void> {
    try {
      const body = read();
      if (!body) return;
      const saved = await put<{ settings: RoutingSettings }>('/api/settings/routing', body);
      errors.clear(form);
      render(saved.settings);
      toast('Routing saved.');
    } catch (err) {
      errors.show(err, form);
    }
  }

  async function runNow(): Promise<void> {
    try {
      const res = await post<{ queued: number }>('/api/routing/run');
      toast(`Routing ran: ${res.queued} conversation${res.queued === 1 ? '' : 's'} still waiting.`);
    } catch (err) {
      showError(err);
    }
  }

  void load();
  return {
    el: card,
    // Teams added or renamed on the other tab show up here too.
    reloadTeams: () => void get<{ teams: TeamInfo[] }>('/api/settings/routing').then((r) => renderTeams(r.teams), showError),
  };
}
