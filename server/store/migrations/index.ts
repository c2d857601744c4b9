/**
 * Numbered schema migrations, applied at start-up inside one transaction each, in version order;
 * the store records which versions ran, so a gap in the numbers is fine.
 * Never edit a migration that has shipped: add a new file and list it here.
 * Version ranges by area, so parallel work does not collide: 1–9 core, 10–19 telegram,
 * 20–29 discord, 30–39 widget, 40–59 console, 60–69 knowledge base, 70–89 routing/SLA/reports.
 * @module
 */
import { initial } from './001-initial.js';
import { teams } from './002-teams.js';
import { consoleSearch } from './040-console-search.js';
import { consoleWorkspace } from './041-console-workspace.js';
import { kbManagement } from './060-kb-management.js';
import { routing } from './070-routing.js';
import { sla } from './071-sla.js';
import { webhooks } from './072-webhooks.js';
import { apiTokens } from './073-api-tokens.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [initial, teams, kbManagement, consoleSearch, consoleWorkspace, routing, sla, webhooks, apiTokens].sort((a, b) => a.version - b.version);
