/**
 * A small bilingual lexicon of customer-support synonyms. Every word of a group is stemmed (natural's Porter
 * stemmers) and maps to the group's concept, which becomes an extra feature: "привезут", "доставка", "shipping"
 * and "посылка" all share `c:delivery`, so a paraphrase with other words, or in the other language, still matches.
 * @module
 */
import { stem } from './text.js';

/** concept -> words (any form; Russian and English). Single words only. */
export const SUPPORT_SYNONYMS: Record<string, string[]> = {
  delivery: [
    'доставка', 'доставить', 'доставят', 'доставляете', 'доставке', 'привезти', 'привезут', 'привезете', 'курьер',
    'посылка', 'посылку', 'отправка', 'отправить', 'отправите', 'отправление', 'пересылка', 'самовывоз',
    'delivery', 'deliver', 'delivered', 'shipping', 'ship', 'shipped', 'shipment', 'courier', 'parcel', 'package',
    'dispatch', 'dispatched', 'post', 'mail',
  ],
  arrive: ['придет', 'прийти', 'пришел', 'пришла', 'прибудет', 'получу', 'получить', 'дойдет', 'arrive', 'arrived', 'arrival', 'come', 'receive', 'received', 'get'],
  refund: [
    'возврат', 'вернуть', 'верните', 'вернете', 'возвратить', 'возместить', 'компенсация', 'refund', 'refunded',
    'return', 'returned', 'returning', 'reimburse', 'reimbursement', 'compensation', 'back',
  ],
  exchange: ['обмен', 'обменять', 'поменять', 'заменить', 'замена', 'exchange', 'replace', 'replacement', 'swap'],
  payment: [
    'оплата', 'оплатить', 'оплачу', 'заплатить', 'платеж', 'платить', 'списали', 'списание', 'списали', 'pay',
    'paid', 'payment', 'payments', 'charge', 'charged', 'transaction', 'транзакция',
  ],
  card: ['карта', 'карту', 'карточка', 'кредитка', 'visa', 'mastercard', 'card', 'cards'],
  cancel: ['отменить', 'отмена', 'отменю', 'отказаться', 'отказ', 'аннулировать', 'cancel', 'cancellation', 'cancelled', 'canceled', 'revoke', 'undo'],
  order: ['заказ', 'заказать', 'заказал', 'заказала', 'покупка', 'купить', 'купил', 'приобрести', 'order', 'ordered', 'purchase', 'purchased', 'buy', 'bought'],
  price: ['цена', 'стоимость', 'стоит', 'сколько', 'тариф', 'прайс', 'price', 'cost', 'costs', 'fee', 'fees', 'tariff'],
  commission: ['комиссия', 'комиссию', 'сбор', 'переплата', 'commission', 'surcharge', 'fee', 'fees'],
  account: ['аккаунт', 'профиль', 'кабинет', 'учетка', 'регистрация', 'зарегистрироваться', 'account', 'profile', 'signup', 'register', 'registration'],
  password: ['пароль', 'пин', 'пинкод', 'код', 'password', 'passcode', 'pin', 'code'],
  login: ['войти', 'вход', 'логин', 'авторизация', 'залогиниться', 'зайти', 'login', 'log', 'signin', 'sign'],
  track: ['отследить', 'отслеживание', 'трек', 'трекинг', 'статус', 'track', 'tracking', 'status', 'where'],
  contact: ['связаться', 'позвонить', 'телефон', 'номер', 'почта', 'email', 'contact', 'phone', 'call', 'number'],
  address: ['адрес', 'находитесь', 'расположен', 'address', 'location', 'located'],
  discount: ['скидка', 'скидку', 'промокод', 'купон', 'акция', 'распродажа', 'discount', 'promo', 'promocode', 'coupon', 'sale', 'voucher'],
  warranty: ['гарантия', 'гарантийный', 'warranty', 'guarantee'],
  broken: ['сломан', 'сломался', 'сломалась', 'брак', 'бракованный', 'дефект', 'поврежден', 'повреждена', 'разбит', 'broken', 'damaged', 'defective', 'faulty', 'defect'],
  size: ['размер', 'размеры', 'маломерит', 'большемерит', 'size', 'sizes', 'fit'],
  stock: ['наличие', 'наличии', 'закончился', 'stock', 'available', 'availability', 'instock'],
  hours: ['часы', 'режим', 'работаете', 'открыты', 'выходные', 'hours', 'open', 'opening', 'weekend'],
  lost: ['потерял', 'потеряла', 'потеря', 'украли', 'украдена', 'утерян', 'lost', 'lose', 'stolen', 'missing'],
  transfer: ['перевод', 'перевести', 'перевел', 'transfer', 'transferred', 'wire'],
  cash: ['наличные', 'наличными', 'налом', 'банкомат', 'снять', 'cash', 'atm', 'withdraw', 'withdrawal'],
  balance: ['баланс', 'остаток', 'balance'],
  verify: ['подтвердить', 'подтверждение', 'верификация', 'паспорт', 'документы', 'verify', 'verification', 'identity', 'id', 'confirm'],
  topup: ['пополнить', 'пополнение', 'topup', 'top', 'deposit'],
  subscription: ['подписка', 'подписку', 'подписаться', 'отписаться', 'subscription', 'subscribe', 'unsubscribe', 'membership'],
  wrong: ['неправильный', 'неверный', 'ошибка', 'ошибочно', 'wrong', 'incorrect', 'mistake', 'error'],
  delay: ['задержка', 'задерживается', 'опаздывает', 'долго', 'ждать', 'жду', 'late', 'delay', 'delayed', 'waiting', 'wait', 'long'],
  bonus: ['бонус', 'бонусы', 'баллы', 'кешбэк', 'кэшбэк', 'кешбек', 'лояльность', 'bonus', 'points', 'cashback', 'loyalty', 'reward', 'rewards'],
  gift: ['подарок', 'подарочный', 'сертификат', 'gift', 'certificate'],
  receipt: ['чек', 'квитанция', 'счет', 'накладная', 'receipt', 'invoice', 'bill'],
  change: ['изменить', 'поменять', 'исправить', 'редактировать', 'change', 'modify', 'edit', 'update'],
  time: ['когда', 'срок', 'сроки', 'дней', 'дня', 'время', 'when', 'time', 'days', 'soon'],
  help: ['помощь', 'помогите', 'помочь', 'help', 'assist', 'support'],
  not_working: ['работает', 'глючит', 'зависает', 'работать', 'working', 'work', 'works', 'crash', 'bug'],
};

const conceptsByStem = new Map<string, string[]>();
for (const [concept, list] of Object.entries(SUPPORT_SYNONYMS)) {
  for (const w of list) {
    const s = stem(w.toLowerCase().replace(/ё/g, 'е'));
    const cur = conceptsByStem.get(s) ?? [];
    if (!cur.includes(concept)) cur.push(concept);
    conceptsByStem.set(s, cur);
  }
}

const NONE: readonly string[] = [];

/** Concepts of a stemmed word (empty when it is not in the lexicon). */
export function conceptsOf(stemmed: string, _word?: string): readonly string[] {
  return conceptsByStem.get(stemmed) ?? NONE;
}
