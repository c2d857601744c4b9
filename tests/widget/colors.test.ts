/**
 * The accent colour a shop picks cannot break contrast or smuggle CSS into the widget.
 */
import { describe, expect, it } from 'vitest';
import { contrast, palette, parseHex } from '../../widget/src/colors.js';

const rgb = (hex: string) => parseHex(hex)!;
const WHITE = rgb('#ffffff');

describe('widget colours', () => {
  it('keeps text readable (WCAG AA, 4.5:1) on any accent', () => {
    for (const accent of ['#7a3e5d', '#ffeb3b', '#00ff00', '#ffffff', '#000000', '#1e88e5', '#f6c', '#ff9800']) {
      const p = palette(accent);
      expect(contrast(rgb(p.accent), rgb(p.onAccent)), `text on ${accent}`).toBeGreaterThanOrEqual(4.5);
      expect(contrast(rgb(p.accentText), WHITE), `${accent} as text on white`).toBeGreaterThanOrEqual(4.5);
    }
    // A dark accent keeps white text and is used as is.
    expect(palette('#7a3e5d')).toEqual({ accent: '#7a3e5d', onAccent: '#ffffff', accentText: '#7a3e5d' });
    expect(palette('#ffeb3b').onAccent).toBe('#17171c');
  });

  it('accepts only hex colours', () => {
    expect(palette('red;} :host{display:none').accent).toBe('#7a4fd6');
    expect(palette('url(https://evil.example/x.png)').accent).toBe('#7a4fd6');
    expect(palette('#abc').accent).toBe('#aabbcc');
    expect(parseHex('#12345')).toBeNull();
  });
});
