/** Settings that change how the store writes: a wrong value stops the server with a message naming it. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config/config.js';

describe('DATABASE_SYNC', () => {
  it('is full unless set to normal, and names a wrong value', () => {
    expect(loadConfig({ KB_PATH: 'data/kb' }).databaseSync).toBe('full');
    expect(loadConfig({ KB_PATH: 'data/kb', DATABASE_SYNC: 'Normal' }).databaseSync).toBe('normal');
    expect(() => loadConfig({ KB_PATH: 'data/kb', DATABASE_SYNC: 'off' })).toThrow(ConfigError);
    expect(() => loadConfig({ KB_PATH: 'data/kb', DATABASE_SYNC: 'off' })).toThrow(/DATABASE_SYNC must be one of full, normal, got "off"/);
  });
});
