// Word lists for English support language. General by design: nothing here is written for
// one team's library or one data set (docs/search.md says how this list was made and checked).

/**
 * Words that carry no topic in a support chat: English function words, greetings and the
 * fillers nearly every customer message has ("please help, I have a problem with…").
 * Phrasal particles (up, out, off, down, back, on) are NOT stop words: "top up", "log out",
 * "money back" need them; they are joined into compounds by the analyzer.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are as at be because been ' +
    'before being below between both but by can cannot could did do does doing during each ' +
    'either else even ever every few for from further had has have having he her here hers ' +
    'herself him himself his how however i if in into is it its itself just me might more ' +
    'most much must my myself neither no nor not now of on once only or other our ours ' +
    'ourselves over own same shall she should so some such than that the their theirs them ' +
    'themselves then there these they this those though through thus to too under until ' +
    'upon us very was we were what whatever when where whether which while who whom whose ' +
    'why will with would yet you your yours yourself yourselves ' +
    // contractions once the apostrophe is gone
    'im ive ill youre youve its isnt arent wasnt werent dont doesnt didnt havent hasnt ' +
    'hadnt cant couldnt wont wouldnt shouldnt thats theres whats hows ' +
    // chat greetings and fillers
    'hi hello hey dear thanks thank thx ty please pls plz ok okay yes yeah yep sure ' +
    'hope wondering wonder question questions help helping need needs needed want wanted wants ' +
    'like would know let tell really actually maybe perhaps something anything ' +
    'someone anyone thing things way lot bit kind sort guys ' +
    // light verbs that say nothing about the topic ("can I get…", "how do I use…")
    'get getting use using able possible try trying make go going'
  ).split(/\s+/),
);

/**
 * Particles that form phrasal verbs with the word before them: "top up" is also indexed as
 * "topup", "cash out" as "cashout". On their own they say little, so "up", "out", "off" and
 * "down" are not indexed alone. ("in" and "on" are too common to join: "log in" and "sign
 * in" are synonym phrases instead.)
 */
export const PARTICLES: ReadonlySet<string> = new Set(['up', 'out', 'off', 'down', 'back']);
export const LONE_PARTICLES: ReadonlySet<string> = new Set(['up', 'out', 'off', 'down']);

/** Irregular forms mapped to the base the stemmer would give the regular form. */
export const IRREGULAR: Readonly<Record<string, string>> = {
  paid: 'pay',
  sent: 'send',
  spent: 'spend',
  lent: 'lend',
  bought: 'buy',
  brought: 'bring',
  got: 'get',
  gotten: 'get',
  gave: 'give',
  given: 'give',
  took: 'take',
  taken: 'take',
  made: 'make',
  came: 'come',
  went: 'go',
  gone: 'go',
  left: 'leave',
  lost: 'lose',
  stole: 'steal',
  stolen: 'steal',
  broke: 'break',
  broken: 'break',
  chose: 'choose',
  chosen: 'choose',
  forgot: 'forget',
  forgotten: 'forget',
  wrote: 'write',
  written: 'write',
  saw: 'see',
  seen: 'see',
  said: 'say',
  told: 'tell',
  thought: 'think',
  kept: 'keep',
  held: 'hold',
  found: 'find',
  sold: 'sell',
  sought: 'seek',
  withdrew: 'withdraw',
  withdrawn: 'withdraw',
  children: 'child',
  people: 'person',
  men: 'man',
  women: 'woman',
};

/**
 * Groups of words and phrases a customer and a procedure writer use for the same thing.
 * A query word matches a document that uses another member of its group, at a lower weight
 * than an exact match. Phrases may be up to three words; members are analysed like any text
 * (stemmed, so "refunds" and "refunded" are covered by "refund").
 */
export const SYNONYMS: readonly (readonly string[])[] = [
  // money and payments
  ['refund', 'money back', 'reimburse', 'reimbursement', 'repay', 'repayment'],
  ['charge', 'payment', 'debit'],
  ['fee', 'charge', 'commission', 'surcharge'],
  ['price', 'cost'],
  ['invoice', 'bill', 'receipt'],
  ['discount', 'coupon', 'voucher', 'promo code', 'promo'],
  ['money', 'funds'],
  ['twice', 'double', 'duplicate', 'two times'],
  ['declined', 'rejected', 'refused', 'denied'],
  ['failed', 'unsuccessful', 'did not go through', 'didnt go through'],
  ['pending', 'processing', 'on hold'],
  ['top up', 'recharge', 'reload', 'add money', 'add funds'],
  ['withdraw', 'take out', 'cash out'],
  ['atm', 'cash machine', 'cashpoint'],
  ['fraud', 'scam', 'fraudulent'],
  ['unauthorised', 'unauthorized', 'not authorised', 'not authorized'],
  // orders, delivery, returns
  ['parcel', 'package', 'shipment'],
  ['delivery', 'shipping', 'postage'],
  ['arrive', 'receive', 'come', 'deliver'],
  ['missing', 'lost'],
  ['delay', 'late', 'overdue'],
  ['order', 'purchase', 'buy'],
  ['return', 'send back'],
  ['replace', 'replacement', 'swap'],
  ['broken', 'damaged', 'faulty', 'defective'],
  ['not working', 'doesnt work', 'does not work', 'stopped working', 'wont work'],
  ['wrong', 'incorrect'],
  // accounts and access
  ['login', 'log in', 'sign in', 'signin', 'logon', 'log on'],
  ['logout', 'log out', 'sign out', 'signout'],
  ['sign up', 'signup', 'register', 'registration', 'enrol', 'enroll'],
  ['password', 'passcode', 'passphrase'],
  ['username', 'user name', 'user id', 'login name'],
  ['email', 'e mail'],
  ['phone', 'mobile', 'cellphone', 'cell phone', 'smartphone'],
  ['cancel', 'cancellation', 'terminate', 'termination', 'close account', 'delete account'],
  ['unsubscribe', 'opt out'],
  ['subscription', 'membership', 'plan'],
  ['blocked', 'locked', 'frozen', 'suspended', 'disabled', 'locked out'],
  ['unblock', 'unlock', 'unfreeze', 'reactivate'],
  ['activate', 'enable', 'turn on', 'switch on'],
  ['deactivate', 'turn off', 'switch off'],
  ['hacked', 'compromised'],
  ['stolen', 'theft', 'robbed'],
  ['verify', 'verification', 'validate', 'authenticate'],
  ['id', 'identity', 'identification'],
  ['change', 'update', 'edit', 'modify', 'amend'],
  ['address', 'postcode', 'zip code'],
  ['details', 'information', 'info'],
  // talking to the team
  ['agent', 'representative', 'human', 'real person', 'manager', 'supervisor'],
  ['complaint', 'complain'],
  ['urgent', 'asap', 'emergency'],
];
