/** Canned-response placeholders as the agent sees them inserted in the reply box. */
import { describe, expect, it } from 'vitest';
import { expandCanned } from '../../console/src/views/composer.js';

describe('canned response placeholders', () => {
  it('fills in the first name and the agent', () => {
    expect(expandCanned('Здравствуйте, {{name}}! Меня зовут {{agent}}.', 'Мария Петрова', 'Анна')).toBe('Здравствуйте, Мария! Меня зовут Анна.');
  });
  it('leaves the name out, with its comma, for a customer without one', () => {
    expect(expandCanned('Здравствуйте, {{name}}! Чем помочь?', null, 'Анна')).toBe('Здравствуйте! Чем помочь?');
    expect(expandCanned('Hi {{ name }}, thanks for waiting.', '', 'Anna')).toBe('Hi, thanks for waiting.');
  });
});
