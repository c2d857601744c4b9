/**
 * A small bilingual lexicon of customer-support synonyms. Every word of a group is stemmed (natural's Porter
 * stemmers) and maps to the group's concept, which becomes an extra feature: "привезут", "доставка", "shipping"
 * and "посылка" all share `c:delivery`, so a paraphrase with other words, or in the other language, still matches.
 * @module
 */
import { stem } from './text.js';

/** concept -> words (any form; Russian and English). Multi-word items match adjacent words of a message. */
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
  price: ['цена', 'стоимость', 'стоит', 'стоят', 'тариф', 'прайс', 'price', 'cost', 'costs', 'fee', 'fees', 'tariff'],
  commission: ['комиссия', 'комиссию', 'сбор', 'переплата', 'commission', 'surcharge', 'fee', 'fees'],
  account: ['sign up', 'личный кабинет', 'учетная запись', 'аккаунт', 'профиль', 'кабинет', 'учетка', 'регистрация', 'зарегистрироваться', 'account', 'profile', 'signup', 'register', 'registration'],
  password: ['пароль', 'пин', 'пинкод', 'код', 'password', 'passcode', 'pin', 'code'],
  login: ['log in', 'sign in', 'войти', 'вход', 'логин', 'авторизация', 'залогиниться', 'зайти', 'login', 'log', 'signin', 'sign'],
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
  cash: ['cash on delivery', 'pay on delivery', 'при получении', 'наличные', 'наличными', 'налом', 'банкомат', 'снять', 'cash', 'atm', 'withdraw', 'withdrawal'],
  balance: ['баланс', 'остаток', 'balance'],
  verify: ['подтвердить', 'подтверждение', 'верификация', 'паспорт', 'документы', 'verify', 'verification', 'identity', 'id', 'confirm'],
  topup: ['top up', 'пополнить', 'пополнение', 'topup', 'top', 'deposit'],
  subscription: ['подписка', 'подписку', 'подписаться', 'отписаться', 'subscription', 'subscribe', 'unsubscribe', 'membership'],
  wrong: ['неправильный', 'неверный', 'ошибка', 'ошибочно', 'wrong', 'incorrect', 'mistake', 'error'],
  delay: ['задержка', 'задерживается', 'опаздывает', 'долго', 'ждать', 'жду', 'late', 'delay', 'delayed', 'waiting', 'wait', 'long'],
  bonus: ['бонус', 'бонусы', 'баллы', 'кешбэк', 'кэшбэк', 'кешбек', 'лояльность', 'bonus', 'points', 'cashback', 'loyalty', 'reward', 'rewards'],
  gift: ['подарок', 'подарочный', 'сертификат', 'gift', 'certificate'],
  receipt: ['чек', 'квитанция', 'счет', 'накладная', 'receipt', 'invoice', 'bill'],
  change: ['изменить', 'поменять', 'исправить', 'редактировать', 'change', 'modify', 'edit', 'update'],
  time: ['когда', 'срок', 'сроки', 'дней', 'дня', 'время', 'when', 'time', 'days', 'soon'],
  help: ['помощь', 'помогите', 'помочь', 'help', 'assist', 'support'],
  // ---- retail / accessories (the default shop KB sells earrings; these are ordinary shop words)
  jewelry: ['серьги', 'серьгу', 'сережки', 'сережка', 'пусеты', 'пусета', 'гвоздики', 'кольца', 'украшения', 'украшение', 'бижутерия', 'earrings', 'earring', 'studs', 'stud', 'jewelry', 'jewellery', 'hoops', 'pair'],
  material: ['материал', 'металл', 'сплав', 'латунь', 'сталь', 'золото', 'золотые', 'серебро', 'серебряные', 'позолота', 'позолоченные', 'покрытие', 'проба', 'material', 'metal', 'alloy', 'brass', 'steel', 'gold', 'silver', 'plated', 'plating', 'sterling', 'made'],
  allergy: ['аллергия', 'аллергию', 'аллергик', 'раздражение', 'чешутся', 'гипоаллергенные', 'никель', 'allergy', 'allergic', 'allergies', 'hypoallergenic', 'nickel', 'itchy', 'irritation', 'sensitive', 'react'],
  piercing: ['прокол', 'проколоть', 'проколотые', 'проколола', 'мочка', 'мочки', 'piercing', 'pierced', 'pierce', 'lobe', 'lobes'],
  clip: ['клипсы', 'клипс', 'clip', 'clips', 'clipon'],
  clasp: ['застежка', 'застежки', 'замок', 'замочек', 'заглушка', 'бабочка', 'clasp', 'lock', 'backing', 'backs', 'butterfly', 'closure'],
  kids: ['ребенок', 'ребенку', 'детские', 'дочка', 'дочке', 'девочка', 'kid', 'kids', 'child', 'children', 'daughter', 'girl'],
  weight: ['вес', 'весят', 'тяжелые', 'легкие', 'граммы', 'грамм', 'длина', 'weight', 'weigh', 'heavy', 'light', 'grams', 'length'],
  stone: ['камни', 'камень', 'фианит', 'кристаллы', 'жемчуг', 'stone', 'stones', 'crystal', 'crystals', 'zirconia', 'pearl', 'pearls'],
  care: ['уход', 'ухаживать', 'чистить', 'почистить', 'мыть', 'хранить', 'хранение', 'care', 'clean', 'cleaning', 'wash', 'store', 'storing', 'polish'],
  tarnish: ['темнеют', 'потемнели', 'облезла', 'стерлось', 'окислились', 'tarnish', 'tarnished', 'darken', 'fade', 'faded', 'peel', 'peeling'],
  water: ['вода', 'воде', 'душ', 'купаться', 'бассейн', 'море', 'water', 'shower', 'swim', 'swimming', 'pool', 'sea', 'waterproof'],
  packaging: ['упаковка', 'упаковать', 'упакуете', 'коробка', 'коробочка', 'пакет', 'открытка', 'packaging', 'package', 'wrap', 'wrapping', 'box', 'card', 'gift'],
  wholesale: ['опт', 'оптом', 'оптовый', 'партия', 'перепродажа', 'wholesale', 'bulk', 'reseller', 'resell', 'boutique', 'b2b'],
  store: ['магазин', 'шоурум', 'офлайн', 'вживую', 'примерить', 'store', 'shop', 'showroom', 'offline', 'boutique', 'physical'],
  repair: ['ремонт', 'починить', 'починка', 'отремонтировать', 'repair', 'fix', 'mend'],
  fake: ['подделка', 'оригинал', 'настоящие', 'подлинность', 'сертификат', 'fake', 'genuine', 'authentic', 'original', 'real'],
  preorder: ['предзаказ', 'поступит', 'поступление', 'появится', 'preorder', 'restock', 'back'],
  newsletter: ['рассылка', 'рассылки', 'спам', 'письма', 'newsletter', 'newsletters', 'spam', 'emails', 'mailing'],
  personal_data: ['данные', 'персональные', 'удалить', 'конфиденциальность', 'data', 'personal', 'privacy', 'gdpr'],
  installments: ['рассрочка', 'рассрочку', 'частями', 'долями', 'сплит', 'installments', 'instalments', 'installment', 'split', 'parts'],
  // ---- general everyday synonyms (paraphrases customers use for the same thing)
  fail: ['отклонили', 'отклонен', 'отклонена', 'отказали', 'отказано', 'не прошел', 'не прошла', 'неудачно', 'сбой', 'declined', 'decline', 'rejected', 'reject', 'refused', 'refuse', 'failed', 'fail', 'failure', 'denied', 'unsuccessful'],
  twice: ['дважды', 'двойной', 'повторно', 'дубль', 'два раза', 'twice', 'double', 'duplicate', 'duplicated', 'again'],
  money: ['деньги', 'денег', 'средства', 'сумма', 'сумму', 'money', 'funds', 'amount', 'sum'],
  currency: ['валюта', 'валюты', 'рубли', 'доллары', 'евро', 'currency', 'currencies', 'usd', 'eur', 'gbp', 'dollars', 'euros', 'pounds'],
  rate: ['курс', 'курса', 'rate', 'rates'],
  limit: ['лимит', 'ограничение', 'максимум', 'минимум', 'limit', 'limits', 'maximum', 'minimum', 'max', 'min', 'cap'],
  pending: ['ожидание', 'обработке', 'обрабатывается', 'висит', 'pending', 'processing', 'process', 'hold'],
  unknown_charge: ['непонятный', 'незнакомый', 'неизвестный', 'не узнаю', 'recognize', 'recognise', 'unrecognized', 'unknown', 'unfamiliar', 'strange', 'weird', 'suspicious'],
  fraud: ['мошенник', 'мошенничество', 'взлом', 'взломали', 'fraud', 'scam', 'hacked', 'compromised', 'unauthorized', 'unauthorised'],
  freeze: ['заблокировать', 'блокировка', 'заморозить', 'заблокирована', 'block', 'blocked', 'freeze', 'frozen', 'lock', 'locked'],
  new: ['новый', 'новая', 'новую', 'new', 'another', 'replacement', 'spare', 'extra', 'additional'],
  virtual: ['виртуальная', 'виртуальную', 'virtual', 'online', 'digital', 'disposable', 'одноразовая'],
  phone: ['телефон', 'смартфон', 'мобильный', 'phone', 'mobile', 'smartphone', 'cellphone'],
  app: ['приложение', 'приложении', 'сайт', 'app', 'application', 'website', 'site'],
  why: ['почему', 'зачем', 'причина', 'why', 'reason'],
  how_long: ['долго', 'скоро', 'быстро', 'сроки', 'long', 'quickly', 'fast', 'soon'],
  close_account: ['закрыть', 'удалить', 'удаление', 'close', 'delete', 'terminate', 'remove', 'deactivate'],
  expire: ['истекает', 'истек', 'просрочен', 'срок действия', 'expire', 'expired', 'expiring', 'expiration', 'expiry'],
  salary: ['зарплата', 'зарплату', 'salary', 'wage', 'paycheck', 'income'],
  abroad: ['сша', 'америка', 'беларусь', 'белоруссия', 'минск', 'казахстан', 'алматы', 'армения', 'грузия', 'узбекистан', 'киргизия', 'германия', 'европа', 'израиль', 'турция', 'usa', 'america', 'belarus', 'minsk', 'kazakhstan', 'armenia', 'georgia', 'germany', 'europe', 'uk', 'israel', 'canada', 'заграница', 'за границу', 'за рубеж', 'рубежом', 'другую страну', 'international', 'abroad', 'overseas', 'foreign', 'country', 'countries', 'страна', 'страны'],
  turn_on: ['включи', 'включить', 'запусти', 'запустить', 'активировать', 'turn', 'switch', 'enable', 'activate', 'start'],
  turn_off: ['выключи', 'выключить', 'отключи', 'отключить', 'останови', 'disable', 'deactivate', 'stop', 'off'],
  music: ['музыка', 'музыку', 'песня', 'песню', 'трек', 'композиция', 'плейлист', 'music', 'song', 'songs', 'track', 'tune', 'playlist'],
  alarm: ['будильник', 'разбуди', 'разбудить', 'alarm', 'wake'],
  weather: ['погода', 'погоду', 'дождь', 'прогноз', 'температура', 'weather', 'rain', 'forecast', 'temperature', 'sunny'],
  light: ['свет', 'лампа', 'лампу', 'освещение', 'light', 'lights', 'lamp', 'lighting'],
  louder: ['громче', 'громкость', 'звук', 'volume', 'louder', 'sound', 'loud'],
  quieter: ['тише', 'потише', 'quieter', 'quiet', 'mute', 'lower'],
  remind: ['напомни', 'напомнить', 'напоминание', 'remind', 'reminder'],
  calendar: ['календарь', 'встреча', 'встречу', 'событие', 'мероприятие', 'calendar', 'meeting', 'event', 'appointment', 'schedule'],
  news: ['новости', 'новость', 'news', 'headlines'],
  email_msg: ['письмо', 'письма', 'почта', 'почту', 'сообщение', 'email', 'mail', 'message', 'inbox'],
  recipe: ['рецепт', 'приготовить', 'готовить', 'recipe', 'cook', 'cooking'],
  taxi: ['такси', 'убер', 'taxi', 'uber', 'cab', 'ride'],
  ticket: ['билет', 'билеты', 'ticket', 'tickets', 'train', 'поезд'],
  joke: ['шутка', 'анекдот', 'пошути', 'joke', 'funny'],
  define: ['значит', 'означает', 'определение', 'значение', 'mean', 'meaning', 'definition', 'define'],
  like: ['нравится', 'люблю', 'обожаю', 'like', 'love', 'enjoy'],
  dislike: ['ненавижу', 'не нравится', 'hate', 'dislike'],
  list: ['список', 'списке', 'list'],
  cleaning: ['уборка', 'пылесос', 'пропылесось', 'убрать', 'clean', 'vacuum', 'hoover'],
  coffee: ['кофе', 'кофемашина', 'coffee'],
  recommend: ['посоветуй', 'посоветуйте', 'порекомендуй', 'рекомендация', 'recommend', 'suggest', 'suggestion', 'advise'],
  // ---- everyday assistant words (smart-home/phone-assistant requests, as in HWU64)
  set_verb: ['поставь', 'поставить', 'установи', 'установить', 'создай', 'создать', 'добавь', 'добавить', 'назначь', 'запланируй', 'set', 'create', 'schedule'],
  delete_verb: ['удали', 'удалить', 'убери', 'убрать', 'сотри', 'стереть', 'отмени', 'отменить', 'delete', 'remove', 'erase', 'clear', 'cancel'],
  meeting: ['встреча', 'встречи', 'совещание', 'собрание', 'заседание', 'созвон', 'мероприятие', 'событие', 'вечеринка', 'meeting', 'meetings', 'event', 'events', 'party', 'appointment', 'conference'],
  dim: ['приглуши', 'приглушить', 'темнее', 'тусклее', 'убавь', 'уменьши', 'понизь', 'снизь', 'dim', 'darker', 'decrease'],
  brighten: ['ярче', 'прибавь', 'увеличь', 'повысь', 'подними', 'brighter', 'increase', 'raise', 'boost'],
  colour: ['цвет', 'цвета', 'красный', 'синий', 'зеленый', 'color', 'colour', 'red', 'blue', 'green'],
  radio: ['радио', 'радиостанция', 'станция', 'волна', 'radio', 'station', 'fm'],
  podcast: ['подкаст', 'подкасты', 'выпуск', 'эпизод', 'podcast', 'podcasts', 'episode'],
  audiobook: ['аудиокнига', 'аудиокнигу', 'книга', 'книгу', 'главу', 'audiobook', 'book', 'chapter'],
  game: ['игра', 'игру', 'поиграть', 'сыграть', 'поиграем', 'game', 'games', 'play'],
  food_order: ['еда', 'еду', 'пицца', 'пиццу', 'суши', 'ресторан', 'доставку', 'навынос', 'food', 'pizza', 'sushi', 'restaurant', 'takeaway', 'takeout'],
  transport: ['поезд', 'поезда', 'автобус', 'электричка', 'самолет', 'рейс', 'метро', 'пробки', 'train', 'bus', 'flight', 'plane', 'subway', 'traffic'],
  social: ['твиттер', 'фейсбук', 'соцсеть', 'соцсети', 'пост', 'твит', 'жалоба', 'twitter', 'facebook', 'tweet', 'post', 'social', 'complaint'],
  contact_person: ['контакт', 'контакты', 'номер', 'телефон', 'адрес', 'день рождения', 'contact', 'contacts', 'number', 'birthday'],
  time_now: ['время', 'час', 'часов', 'который', 'часовой', 'пояс', 'time', 'clock', 'timezone', 'hour'],
  date: ['дата', 'число', 'день', 'неделя', 'месяц', 'date', 'day', 'week', 'month'],
  location: ['рядом', 'поблизости', 'ближайший', 'near', 'nearby', 'nearest', 'closest'],
  robot_vacuum: ['робот', 'пылесос', 'уборка', 'убраться', 'roomba', 'vacuum', 'cleaner'],
  plug: ['розетка', 'розетку', 'вилка', 'socket', 'plug', 'outlet'],
  praise: ['молодец', 'умница', 'отлично', 'спасибо', 'здорово', 'круто', 'лучший', 'great', 'awesome', 'thanks'],
  negate: ['нет', 'неправильно', 'неверно', 'не то', 'no', 'nope', 'wrong', 'incorrect'],
  affirm: ['да', 'верно', 'правильно', 'точно', 'конечно', 'yes', 'yeah', 'correct', 'sure'],
  repeat: ['повтори', 'повторить', 'еще раз', 'снова', 'repeat', 'again', 'pardon'],
  stop: ['стоп', 'хватит', 'прекрати', 'замолчи', 'заткнись', 'тихо', 'stop', 'quiet', 'shut', 'enough', 'silence'],
  quote: ['цитата', 'цитату', 'высказывание', 'quote', 'quotes', 'saying'],
  stock_market: ['акции', 'биржа', 'котировки', 'stock', 'stocks', 'shares', 'market'],
  not_working: ['работает', 'глючит', 'зависает', 'работать', 'working', 'work', 'works', 'crash', 'bug'],
};

const conceptsByStem = new Map<string, string[]>();
/** Multi-word items: "stem1 stem2" -> concepts (matched on adjacent words). */
const conceptsByPair = new Map<string, string[]>();
const addTo = (map: Map<string, string[]>, key: string, concept: string): void => {
  const cur = map.get(key) ?? [];
  if (!cur.includes(concept)) cur.push(concept);
  map.set(key, cur);
};
for (const [concept, list] of Object.entries(SUPPORT_SYNONYMS)) {
  for (const item of list) {
    const parts = item.toLowerCase().replace(/ё/g, 'е').split(' ').map(stem);
    if (parts.length === 1) addTo(conceptsByStem, parts[0]!, concept);
    // two-word items match adjacent words; longer ones by their last two words
    else addTo(conceptsByPair, parts.slice(-2).join(' '), concept);
  }
}

const NONE: readonly string[] = [];

/** Concepts of a stemmed word (empty when it is not in the lexicon). */
export function conceptsOf(stemmed: string, _word?: string): readonly string[] {
  return conceptsByStem.get(stemmed) ?? NONE;
}

/** Concepts of two adjacent stemmed words ("sign up", "при получении"). */
export function conceptsOfPair(first: string, second: string): readonly string[] {
  return conceptsByPair.get(`${first} ${second}`) ?? NONE;
}
