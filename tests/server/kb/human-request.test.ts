import { describe, expect, it } from 'vitest';
import { isHumanRequest } from '../../../server/kb/human-request.js';

const POSITIVE = [
  'оператор',
  'Оператора!!!',
  'оператора пожалуйста',
  'живой человек',
  'дайте живого человека',
  'позовите менеджера',
  'соедините с сотрудником',
  'хочу поговорить с человеком',
  'можно с живым оператором поговорить?',
  'переключите на специалиста',
  'мне нужен консультант',
  'не хочу с ботом, позовите человека',
  'ОПЕРАТОР СРОЧНО',
  'опператор', // typo
  'оператр', // typo
  'пазавите менеджера', // typos
  'живово человека', // typo
  'челавека дайте', // typo
  'human',
  'HUMAN!!',
  'agent',
  'agent please',
  'real person',
  'I want a real person',
  'talk to someone',
  'can I talk to someone?',
  'operator',
  'support person',
  'connect me with a representative',
  'speak to a human please',
  'live agent',
  'humen', // typo
  'opertor', // typo
  'i need to speak to an agnet', // typo
];

const NEGATIVE = [
  'агент по доставке?',
  'где мой заказ',
  'сколько стоит доставка',
  'люди говорят, что доставка долгая',
  'какой оператор связи у курьера?',
  'мобильный оператор списал деньги',
  'operation failed',
  'my payment operation was declined',
  'is the delivery agent coming today?',
  'mobile operator charged me',
  'what do people usually buy?',
  'how do I contact you by email',
  'человеческий фактор',
  'живу в Москве, доставите?',
  'hello',
  '',
  '???',
];

describe('isHumanRequest', () => {
  it.each(POSITIVE)('asks for a human: %s', (text) => {
    expect(isHumanRequest(text)).toBe(true);
  });
  it.each(NEGATIVE)('is not a request for a human: %s', (text) => {
    expect(isHumanRequest(text)).toBe(false);
  });
});
