/**
 * Styles for the SLA countdowns and the admin operations sections (routing and SLA settings,
 * webhooks, API tokens), added to the page's own stylesheet in console/index.html. Built from
 * the same custom properties, so both look alike.
 */
const CSS = `
.pill.sla { font-variant-numeric: tabular-nums; font-weight: 600; background: #e3f4ea; color: var(--ok); }
.pill.sla.warning { background: #fdf0d5; color: #8a5a00; box-shadow: inset 0 0 0 1px #f1c86b; }
.pill.sla.breached { background: var(--danger); color: #fff; }

.admin-tabs { display: flex; gap: 4px; border-bottom: 1px solid var(--line); margin: -4px 0 4px; }
.admin-tabs button { border: 0; border-bottom: 2px solid transparent; border-radius: 0; background: none; padding: 8px 12px; color: var(--muted); }
.admin-tabs button:hover:not(:disabled) { background: none; color: var(--text); }
.admin-tabs button[aria-selected="true"] { color: var(--accent); border-bottom-color: var(--accent); font-weight: 600; }
.admin-panel { display: flex; flex-direction: column; gap: 16px; }
.admin-panel[hidden] { display: none; }
.card > h2 { margin-bottom: 4px; } .card > .hint { margin: 0 0 10px; color: var(--muted); font-size: 13px; }
.section-head { display: flex; align-items: baseline; gap: 12px; margin-bottom: 8px; } .section-head h2, .section-head h3 { margin: 0; }
.section-head .spacer { flex: 1; }

.form-errors { border: 1px solid #f3b7b7; background: #fdf1f1; color: var(--danger); border-radius: 6px; padding: 8px 12px; margin-top: 8px; }
.form-errors p { margin: 0 0 4px; font-weight: 600; } .form-errors ul { margin: 0; padding-left: 18px; } .form-errors li { overflow-wrap: anywhere; }
.form-errors[hidden] { display: none; }
[aria-invalid="true"] { border-color: var(--danger) !important; background: #fff7f7; }
.saved-note { color: var(--ok); font-size: 13px; }

.table td.wrap { overflow-wrap: anywhere; max-width: 360px; } .table td.nowrap, .table th.nowrap { white-space: nowrap; }
.table td .sub { display: block; font-size: 12px; color: var(--muted); }
.table tr.selected td { background: #f3f6ff; }
.table .actions-cell { display: flex; gap: 4px; flex-wrap: wrap; justify-content: flex-end; }
.table code, .code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f3f4f6; padding: 1px 5px; border-radius: 4px; }
.events { display: flex; flex-wrap: wrap; gap: 3px; } .events .pill { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 11px; }
.pill.ok { background: #e3f4ea; color: var(--ok); } .pill.bad { background: #fde2e2; color: var(--danger); } .pill.wait { background: #fdecd8; color: #9c4a00; } .pill.off { background: #eef0f3; color: var(--muted); }
.event-checks { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 4px 12px; margin: 4px 0; }
.event-checks label { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.add-box { border-top: 1px solid var(--line); margin-top: 4px; padding-top: 12px; display: flex; flex-direction: column; gap: 8px; }
.add-box .row input[type=url], .add-box .row input.wide { flex: 1; min-width: 260px; }
.error-text, .table td .error-text { color: var(--danger); font-size: 12px; overflow-wrap: anywhere; }
.subsection { margin-top: 16px; padding-top: 12px; border-top: 1px solid var(--line); }
.empty-row td { color: var(--muted); text-align: center; padding: 16px; }

.admin-panel label > input, .admin-panel label > select, .admin-panel label > textarea { color: var(--text); }
.admin-panel label > input, .admin-panel label > select, .admin-panel label > textarea:not(.json-editor) { font-size: 14px; }
.admin-panel label > .short { align-self: flex-start; width: 340px; max-width: 100%; }
.hours-grid { display: grid; grid-template-columns: 110px 1fr; gap: 6px 12px; align-items: center; margin: 8px 0; }
.hours-grid .day { font-weight: 600; } .hours-grid .intervals { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; }
.interval { display: inline-flex; gap: 4px; align-items: center; background: #f6f7f9; border: 1px solid var(--line); border-radius: 6px; padding: 2px 4px 2px 6px; }
.interval input { width: 62px; padding: 3px 6px; text-align: center; font-variant-numeric: tabular-nums; }
.interval button { border: 0; background: none; padding: 0 4px; color: var(--muted); }
.closed { color: var(--muted); font-size: 13px; font-style: italic; }
.settings-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 10px 16px; margin: 8px 0; }
.policy-table td { vertical-align: top; } .policy-table td:first-child { padding-top: 10px; }
.policy-table input { width: 90px; } .policy-table select { width: auto; }
.policy-table .sub { min-height: 16px; }
.json-editor { width: 100%; min-height: 140px; font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.two-cols { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
@media (max-width: 1100px) { .two-cols { grid-template-columns: 1fr; } }
.status-line { font-size: 13px; color: var(--muted); }
.status-line strong { color: var(--text); }

dialog.dialog.wide { width: min(760px, 92vw); }
.payload { max-height: 320px; overflow: auto; background: #f6f7f9; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; margin: 0; font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
.secret.small { font-size: 14px; overflow-wrap: anywhere; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; font-size: 13px; margin: 0; } .kv dt { color: var(--muted); } .kv dd { margin: 0; overflow-wrap: anywhere; }
`;

/** Adds the stylesheet once. */
export function installStyles(): void {
  if (document.getElementById('console-ops-styles')) return;
  const style = document.createElement('style');
  style.id = 'console-ops-styles';
  style.textContent = CSS;
  document.head.append(style);
}
