/**
 * Language identification: a small, explainable method.
 * 1. Script: Arabic, Hangul, Kana, Han, Cyrillic, Greek, Hebrew, Devanagari, Thai letters
 *    decide ar/ko/ja/zh/ru/el/he/hi/th when they dominate the letters.
 * 2. Latin script: stop-word profiles for en/de/fr/es/it/nl/pt. Each language scores the share
 *    of tokens that are its (distinctive) function words; the best wins if it has enough hits
 *    and a clear margin over the runner-up.
 * Otherwise "und" (ISO 639-2 "undetermined").
 */

const STOPWORDS: Record<string, string[]> = {
  en: "the of and to in is that for it with as was on be by this are at from or have an which not but they his her were been has their will would there what about into than these those its our your we you shall hereby such any".split(
    " ",
  ),
  de: "der die das und ist nicht ein eine einer eines dem den des mit sich auf für von zu im auch es als bei nach wird sind wir ihr sie oder aber wie noch nur über unter vom zum zur werden haben hat kann".split(
    " ",
  ),
  fr: "le la les des et est une un du dans que qui pour pas sur au aux par ce cette il elle sont avec plus ou ne se sa son ses nous vous leur été être avoir mais".split(
    " ",
  ),
  es: "el la los las de y que en un una es por con para del al se su sus lo como más pero este esta son fue ha muy sobre entre también cuando".split(
    " ",
  ),
  it: "il lo la gli le di che e un una è per non con del della dei delle nel nella sono da al alla si come più anche questo questa essere ma".split(
    " ",
  ),
  nl: "de het een en van is dat op te in voor niet met zijn er aan ook als bij door maar om nog wordt naar deze dit uw wij u heeft hebben".split(
    " ",
  ),
  pt: "o a os as de e que em um uma do da dos das para com não por se na mais como mas foi ao seu sua são pelo pela também quando".split(
    " ",
  ),
};

// One-letter words (a, e, o, y, u) are too ambiguous across languages and OCR noise to count.
const PROFILES = new Map<string, Set<string>>(
  Object.entries(STOPWORDS).map(([k, v]) => [k, new Set(v.filter((w) => w.length > 1))]),
);

const SCRIPTS: [string, RegExp][] = [
  ["ar", /[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]/gu],
  ["ko", /[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]/gu],
  ["ja", /[\u3040-\u30ff]/gu],
  ["zh", /[\u4e00-\u9fff\u3400-\u4dbf]/gu],
  ["ru", /[\u0400-\u04ff]/gu],
  ["el", /[\u0370-\u03ff]/gu],
  ["he", /[\u0590-\u05ff]/gu],
  ["hi", /[\u0900-\u097f]/gu],
  ["th", /[\u0e00-\u0e7f]/gu],
];

export interface LanguageGuess {
  language: string;
  confidence: number;
}

export function guessLanguage(input: string): LanguageGuess {
  const text = input.length > 50_000 ? input.slice(0, 50_000) : input;
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  if (letters < 20) return { language: "und", confidence: 0 };
  const counts = new Map<string, number>();
  for (const [lang, re] of SCRIPTS) counts.set(lang, text.match(re)?.length ?? 0);
  // Japanese text mixes Kana with Han; Han alone is Chinese.
  const ja = counts.get("ja") ?? 0;
  if (ja > 0) counts.set("ja", ja + (counts.get("zh") ?? 0));
  let bestScript = "";
  let bestScriptCount = 0;
  for (const [lang, n] of counts) {
    if (lang === "zh" && ja > 0) continue;
    if (n > bestScriptCount) {
      bestScript = lang;
      bestScriptCount = n;
    }
  }
  if (bestScriptCount / letters >= 0.3) {
    return { language: bestScript, confidence: Math.min(1, bestScriptCount / letters + 0.2) };
  }
  const tokens = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  if (tokens.length < 5) return { language: "und", confidence: 0 };
  const scores: [string, number][] = [];
  for (const [lang, words] of PROFILES) {
    let hits = 0;
    for (const t of tokens) if (words.has(t)) hits++;
    scores.push([lang, hits]);
  }
  scores.sort((a, b) => b[1] - a[1]);
  const [top, second] = scores as [[string, number], [string, number]];
  const share = top[1] / tokens.length;
  if (top[1] < 4 || share < 0.03 || top[1] < second[1] * 1.25) return { language: "und", confidence: 0 };
  const margin = (top[1] - second[1]) / top[1];
  return { language: top[0], confidence: Math.min(1, 0.4 + margin * 0.4 + Math.min(share, 0.5)) };
}

/** ISO 639-1 code of the dominant language, or "und". */
export function detectLanguage(text: string): string {
  return guessLanguage(text).language;
}
