// Seeded synthetic SOP libraries for the search benchmark: realistic field lengths, words
// drawn Zipf-style from a support vocabulary (real words first, then made-up ones so a big
// library has a big vocabulary, as real ones do).
import { mulberry32 } from './random.mjs';

export { mulberry32 };

const COMMON = (
  'the a to and of for your in is it on with we you this that be can will if or please order ' +
  'account customer refund payment card delivery item return check confirm ask explain send ' +
  'number date email address phone agent team lead within days working ticket case issue ' +
  'request charge fee balance transfer subscription plan cancel change update reset password ' +
  'login access code link app website store product parcel package courier tracking shipping ' +
  'damaged missing wrong late delayed broken replacement exchange warranty invoice receipt bill ' +
  'credit debit bank verify identity document photo upload form policy terms window eligible ' +
  'approve decline escalate manager supervisor complaint feedback survey apology goodwill ' +
  'voucher discount promotion price cost total amount currency international country region ' +
  'store opening hours holiday contact chat call callback message reply note record log system ' +
  'status pending processing shipped delivered returned collected pickup locker signature ' +
  'neighbour safe place instructions notes stock availability backorder preorder size colour ' +
  'model version device install update error crash slow screen battery charger cable setup'
).split(' ');

function vocabulary(rand, size) {
  const syllables = [
    'ka',
    'lo',
    'mi',
    'ter',
    'van',
    'sol',
    're',
    'dun',
    'pri',
    'mo',
    'zal',
    'qui',
    'ber',
    'tos',
    'nel',
    'fa',
  ];
  const words = [...COMMON];
  const seen = new Set(words);
  while (words.length < size) {
    let w = '';
    const n = 2 + Math.floor(rand() * 3);
    for (let i = 0; i < n; i++) w += syllables[Math.floor(rand() * syllables.length)];
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  return words;
}

/** A Zipf(1) sampler over `words` (index 0 most frequent). */
function zipf(words, rand) {
  const cumulative = [];
  let sum = 0;
  for (let i = 0; i < words.length; i++) {
    sum += 1 / (i + 1);
    cumulative.push(sum);
  }
  return () => {
    const x = rand() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return words[lo];
  };
}

const between = (rand, lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));

export function syntheticLibrary(count, rand) {
  const words = vocabulary(rand, Math.min(60_000, 3000 + count * 2));
  const word = zipf(words, rand);
  const sentence = (lo, hi) => {
    const n = between(rand, lo, hi);
    const list = [];
    for (let i = 0; i < n; i++) list.push(word());
    const s = list.join(' ');
    return s.charAt(0).toUpperCase() + s.slice(1);
  };
  const channels = [[], [], ['chat'], ['email'], ['chat', 'email']];
  const sops = [];
  for (let i = 0; i < count; i++) {
    const replies = Array.from({ length: between(rand, 1, 3) }, (_, r) => ({
      id: `r${r + 1}`,
      title: sentence(2, 5),
      text: `Hi {customer.firstName}, ${sentence(15, 35).toLowerCase()}.`,
    }));
    sops.push({
      id: `SOP-${String(i + 1).padStart(6, '0')}`,
      title: sentence(3, 7),
      reviewEveryMonths: 12,
      channels: channels[i % channels.length],
      purpose: `${sentence(8, 15)}.`,
      scope: `${sentence(8, 15)}.`,
      tags: Array.from({ length: between(rand, 2, 4) }, () => word()),
      triggers: Array.from({ length: between(rand, 0, 3) }, () => sentence(4, 8)),
      steps: Array.from({ length: between(rand, 3, 8) }, (_, s) => ({
        id: `s${s + 1}`,
        text: sentence(6, 14),
        replies: s < replies.length ? [replies[s].id] : [],
      })),
      replies,
    });
  }
  return { format: 'sop-library/1', sops };
}

/** Customer messages to type: words of a random SOP mixed with everyday words, 1–2 typos. */
export function typingSessions(library, count, rand) {
  const filler = [
    'hi',
    'i',
    'my',
    'the',
    'please',
    'can',
    'you',
    'help',
    'with',
    'is',
    'not',
    'it',
  ];
  const sessions = [];
  for (let i = 0; i < count; i++) {
    const sop = library.sops[Math.floor(rand() * library.sops.length)];
    const source = `${sop.title} ${sop.steps[0].text} ${sop.purpose}`
      .toLowerCase()
      .replace(/[^a-z ]/g, '')
      .split(' ');
    const words = [];
    const n = between(rand, 5, 12);
    for (let w = 0; w < n; w++) {
      words.push(
        rand() < 0.6
          ? source[Math.floor(rand() * source.length)]
          : filler[Math.floor(rand() * filler.length)],
      );
    }
    let text = words.join(' ');
    if (rand() < 0.5 && text.length > 4) {
      const at = between(rand, 1, text.length - 3);
      text = text.slice(0, at) + text[at + 1] + text[at] + text.slice(at + 2);
    }
    sessions.push(text);
  }
  return sessions;
}
