/**
 * The "Routing & SLA" admin tab: business hours, SLA targets per priority and routing settings,
 * each its own form saved on its own.
 */
import { h } from '../dom.js';
import { businessHoursCard } from './admin-hours.js';
import { routingCard } from './admin-routing.js';
import type { AdminSection } from './admin-section.js';
import { slaPoliciesCard } from './admin-sla-policies.js';

export function routingSlaSection(): AdminSection {
  const routing = routingCard();
  let shown = false;
  return {
    el: h('div', { class: 'admin-panel', dataset: { testid: 'admin-routing' } }, businessHoursCard(), slaPoliciesCard(), routing.el),
    show() {
      // The first showing loads everything anyway; later ones pick up teams changed meanwhile.
      if (shown) routing.reloadTeams();
      shown = true;
    },
  };
}
