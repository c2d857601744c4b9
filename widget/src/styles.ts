/**
 * The widget's stylesheet, inside its shadow root: the host page's CSS cannot reach in (`all:
 * initial` stops inheritance at the boundary) and none of this reaches out. Sizes are in px, not
 * rem, so a page's root font size changes nothing.
 * @module
 */
import type { Palette } from './colors.js';

export function stylesheet(p: Palette, position: 'right' | 'left'): string {
  const side = position === 'left' ? 'left' : 'right';
  return `
:host{all:initial!important;display:block!important;position:fixed!important;z-index:2147483000!important;bottom:0!important;${side}:0!important;width:0!important;height:0!important;visibility:visible!important;opacity:1!important;transform:none!important}
.cb{--a:${p.accent};--on-a:${p.onAccent};--a-text:${p.accentText};--ink:#1d1d22;--muted:#55555f;--line:#d9d9e0;--bg:#f6f6f9;
font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);text-align:left;letter-spacing:normal;-webkit-font-smoothing:antialiased}
.cb *,.cb *::before,.cb *::after{box-sizing:border-box}
.cb button,.cb input,.cb textarea{font:inherit;color:inherit;margin:0}
.cb button{cursor:pointer}
.cb :focus-visible{outline:3px solid var(--a-text);outline-offset:2px}
.sr{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.launcher{position:fixed;bottom:20px;${side}:20px;width:60px;height:60px;border-radius:50%;border:0;background:var(--a);color:var(--on-a);box-shadow:0 6px 20px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center;padding:0;transition:transform .15s}
.launcher:hover{transform:scale(1.06)}
.badge{position:absolute;top:-4px;${side === 'right' ? 'left' : 'right'}:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#c5221f;color:#fff;font-size:12px;font-weight:700;line-height:22px;text-align:center;border:2px solid #fff}
.badge[hidden]{display:none}
.panel{position:fixed;bottom:92px;${side}:20px;width:380px;max-width:calc(100vw - 40px);height:620px;max-height:calc(100vh - 112px);background:#fff;border-radius:16px;box-shadow:0 12px 40px rgba(0,0,0,.28);display:flex;flex-direction:column;overflow:hidden}
.panel[hidden]{display:none}
header{background:var(--a);color:var(--on-a);padding:14px 12px 14px 18px;display:flex;align-items:center;gap:10px;flex:none}
.heading{flex:1;min-width:0}
h2{margin:0;font-size:17px;font-weight:700;line-height:1.3;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.subtitle{margin:2px 0 0;font-size:13px;line-height:1.35}
.icon-btn{width:40px;height:40px;border-radius:50%;border:0;background:transparent;color:inherit;display:flex;align-items:center;justify-content:center;padding:0;flex:none}
.icon-btn:hover{background:rgba(127,127,127,.2)}
header .icon-btn:focus-visible{outline-color:var(--on-a)}
.banner{background:#fff4d6;color:#5c4300;font-size:13px;padding:8px 14px;border-bottom:1px solid #f0dca0;flex:none}
.banner[hidden]{display:none}
.scroll{flex:1;overflow-y:auto;background:var(--bg);padding:14px 14px 8px;overscroll-behavior:contain}
.log{display:flex;flex-direction:column;gap:6px}
.msg{display:flex;flex-direction:column;max-width:85%;align-self:flex-start}
.msg.in{align-self:flex-end;align-items:flex-end}
.who{font-size:12px;color:var(--muted);margin:6px 4px 2px}
.bubble{padding:9px 13px;border-radius:16px;white-space:pre-wrap;overflow-wrap:anywhere;background:#fff;border:1px solid var(--line);border-bottom-left-radius:4px}
.msg.in .bubble{background:var(--a);color:var(--on-a);border-color:transparent;border-radius:16px;border-bottom-right-radius:4px}
.msg.in .bubble a{color:inherit}
.bubble a{color:var(--a-text);text-decoration:underline}
.msg.agent .bubble{border-color:var(--a-text)}
.meta{font-size:11px;color:var(--muted);margin:2px 6px 0;display:flex;align-items:center;gap:4px}
.msg.waiting .bubble,.msg.sending .bubble{opacity:.7}
.msg.failed .bubble{background:#fdecea;color:#7a1712;border:1px solid #e3a29d}
.meta svg{width:12px;height:12px}
.meta .act{border:0;background:none;color:var(--a-text);text-decoration:underline;padding:2px 4px;font-size:12px}
.notice{align-self:center;font-size:12px;color:var(--muted);background:#ececf2;border-radius:10px;padding:3px 10px;margin:6px 0;text-align:center}
.chips{display:flex;flex-wrap:wrap;gap:6px;margin:8px 0 2px}
.chips[hidden]{display:none}
.chip{border:1.5px solid var(--a-text);background:#fff;color:var(--a-text);border-radius:18px;padding:6px 12px;font-size:14px;line-height:1.3;text-align:left}
.chip:hover{background:var(--a);color:var(--on-a);border-color:var(--a)}
.rating{margin:8px 0 4px}
.rating p{margin:0 0 4px;font-size:13px;color:var(--muted)}
.stars{display:flex;gap:4px}
.star{width:40px;height:40px;border:1.5px solid var(--a-text);border-radius:10px;background:#fff;color:var(--a-text);font-size:20px;line-height:1;padding:0}
.star:hover,.star:focus-visible{background:var(--a);color:var(--on-a)}
.typing{display:flex;align-items:center;gap:8px;font-size:13px;color:var(--muted);margin:6px 2px}
.typing[hidden]{display:none}
.dots{display:inline-flex;gap:3px}
.dots i{width:6px;height:6px;border-radius:50%;background:var(--muted);animation:cb-blink 1.2s infinite both}
.dots i:nth-child(2){animation-delay:.2s}.dots i:nth-child(3){animation-delay:.4s}
@keyframes cb-blink{0%,80%,100%{opacity:.25}40%{opacity:1}}
.card{background:#fff;border:1px solid var(--line);border-radius:12px;padding:12px 14px;margin:10px 0 4px}
.card h3{margin:0 0 4px;font-size:15px}
.card p{margin:0 0 8px;font-size:14px}
.card[hidden]{display:none}
.field{display:flex;flex-direction:column;gap:3px;margin:0 0 8px;font-size:13px;color:var(--muted)}
.field input{border:1.5px solid #8c8c96;border-radius:8px;padding:8px 10px;font-size:15px;color:var(--ink);background:#fff;width:100%}
.field input[aria-invalid=true]{border-color:#c5221f}
.error{color:#b3261e;font-size:13px;margin:0 0 8px}
.error:empty{display:none}
.row{display:flex;gap:8px;flex-wrap:wrap}
.primary{border:0;border-radius:8px;background:var(--a);color:var(--on-a);padding:9px 14px;font-weight:600}
.secondary{border:1.5px solid var(--line);border-radius:8px;background:#fff;color:var(--ink);padding:8px 14px}
.limit{margin:0;padding:6px 14px 0;font-size:12px;color:#b3261e;background:#fff;border-top:1px solid var(--line)}
.limit[hidden]{display:none}
.composer{display:flex;align-items:flex-end;gap:6px;padding:10px 10px 10px 14px;border-top:1px solid var(--line);background:#fff;flex:none}
.composer[hidden]{display:none}
.composer textarea{flex:1;border:0;resize:none;max-height:120px;min-height:24px;padding:8px 0;line-height:1.4;background:transparent;outline:0}
.composer textarea:focus-visible{outline:0}
.composer:focus-within{box-shadow:inset 0 0 0 2px var(--a-text)}
.send{width:42px;height:42px;border-radius:50%;border:0;background:var(--a);color:var(--on-a);display:flex;align-items:center;justify-content:center;padding:0;flex:none}
.prechat{border-top:1px solid var(--line);background:#fff;padding:14px;flex:none;overflow-y:auto;max-height:70%}
.prechat[hidden]{display:none}
.prechat h3{margin:0 0 4px;font-size:15px}
.prechat p{margin:0 0 10px;font-size:13px;color:var(--muted)}
@media (max-width:520px){
.panel{inset:0;width:100%;max-width:none;height:100%;max-height:none;border-radius:0}
.cb.open .launcher{display:none}
}
@media (prefers-reduced-motion:reduce){.launcher,.dots i{transition:none;animation:none}}
`;
}
