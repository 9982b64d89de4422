// A light English stemmer for support language: conflates the inflections customers write
// ("charged", "charging", "charges" → "charg") and a few derivations procedure writers use
// ("activation" ~ "activate", "arrival" ~ "arrive", "verification" ~ "verify"), and folds
// American -ize into British -ise. Much smaller than Porter and easier to predict; every rule
// keeps at least a three-letter stem. Input is one lower-case, accent-free word.
import { IRREGULAR } from './lexicon.ts';

const VOWEL = /[aeiouy]/;
const VOWEL_GROUPS = /[aeiouy]+/g;

export function stem(word: string): string {
  const irregular = IRREGULAR[word];
  if (irregular !== undefined) return stemRegular(irregular);
  return stemRegular(word);
}

function stemRegular(word: string): string {
  if (word.length < 3 || !/^[a-z]+$/.test(word)) return word;
  let w = word;

  // American -ize → British -ise ("authorized" → "authorised"), not "size", "prize".
  w = w.replace(/^([a-z]{3,})iz(e|ed|es|ing|ation|ations)$/, '$1is$2');

  // Plurals and third person.
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (/(?:ch|sh|x|zz)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && w.length > 3 && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);

  // Past tense and progressive.
  if (w.endsWith('ied') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('eed')) w = w.length > 4 ? w.slice(0, -1) : w;
  else if (w.endsWith('ed')) w = stripVerbEnding(w, 2);
  else if (w.endsWith('ing')) w = stripVerbEnding(w, 3);

  // A few derivations, each keeping a stem of four letters or more.
  if (w.endsWith('ication') && w.length >= 11) w = `${w.slice(0, -7)}y`;
  else if (/(?:ation|ator)$/.test(w) && w.length >= 9) w = w.slice(0, -5);
  else if (w.endsWith('ate') && w.length >= 7) w = w.slice(0, -3);
  else if (w.endsWith('al') && w.length >= 7) w = w.slice(0, -2);

  // Final e ("charge" = "charg"), British double l ("cancell" = "cancel").
  if (w.endsWith('e') && !w.endsWith('ee')) w = w.slice(0, -1);
  if (w.endsWith('ll') && (w.match(VOWEL_GROUPS)?.length ?? 0) >= 2) w = w.slice(0, -1);
  return w;
}

/**
 * Removes -ed / -ing when a vowel stays before it: undoubles "stopp" → "stop" and gives back
 * the e of "activat(e)", "enabl(e)" so the derivation rules see the base form.
 */
function stripVerbEnding(w: string, n: number): string {
  const base = w.slice(0, -n);
  if (base.length < 2 || !VOWEL.test(base)) return w;
  const last = base[base.length - 1]!;
  if (base.length > 3 && last === base[base.length - 2] && !'lsz'.includes(last)) {
    return base.slice(0, -1);
  }
  return /(?:at|bl)$/.test(base) ? `${base}e` : base;
}
