// Translations with Project Fluent. The message files are
// locales/vi/web.ftl and locales/en/web.ftl at the repository root and are
// bundled into the app as plain text.

import { FluentBundle, FluentResource, type FluentVariable } from '@fluent/bundle';
import viSource from '../../locales/vi/web.ftl?raw';
import enSource from '../../locales/en/web.ftl?raw';
import { localeTag } from './format';
import type { Lang } from './types';

export const LANGS: readonly Lang[] = ['vi', 'en'];
export const DEFAULT_LANG: Lang = 'vi';
export const LANG_STORAGE_KEY = 'haidang.lang';

export const FTL_SOURCES: Record<Lang, string> = { vi: viSource, en: enSource };

export type MessageArgs = Record<string, FluentVariable>;

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

/** Builds a bundle from FTL text and returns it with any parse or duplicate-message errors. */
export function createBundle(lang: Lang, source: string): { bundle: FluentBundle; errors: Error[] } {
  // Isolation marks (U+2068/U+2069) around placeables would end up in
  // table cells and test assertions, and the UI has no right-to-left text.
  const bundle = new FluentBundle(localeTag(lang), { useIsolating: false });
  const errors = bundle.addResource(new FluentResource(source));
  return { bundle, errors };
}

/** Looks up messages in the current language. */
export class Translator {
  private readonly bundles: Record<Lang, FluentBundle>;
  lang: Lang;

  constructor(lang: Lang = DEFAULT_LANG, sources: Record<Lang, string> = FTL_SOURCES) {
    this.lang = lang;
    this.bundles = {
      vi: createBundle('vi', sources.vi).bundle,
      en: createBundle('en', sources.en).bundle,
    };
  }

  has(id: string): boolean {
    return this.bundles[this.lang].hasMessage(id);
  }

  /** Formats message `id`, or returns the id itself when the message is missing. */
  t(id: string, args?: MessageArgs): string {
    return this.tIn(this.lang, id, args);
  }

  /** Formats message `id` in `lang` instead of the current language. */
  tIn(lang: Lang, id: string, args?: MessageArgs): string {
    const bundle = this.bundles[lang];
    const message = bundle.getMessage(id);
    if (!message?.value) {
      return id;
    }
    const errors: Error[] = [];
    return bundle.formatPattern(message.value, args ?? null, errors);
  }
}

/** Reads the saved UI language, falling back to Vietnamese. */
export function readStoredLang(storage: Pick<Storage, 'getItem'> | null): Lang {
  try {
    const stored = storage?.getItem(LANG_STORAGE_KEY);
    return isLang(stored) ? stored : DEFAULT_LANG;
  } catch {
    // Storage access throws when the browser blocks site data.
    return DEFAULT_LANG;
  }
}

export function storeLang(storage: Pick<Storage, 'setItem'> | null, lang: Lang): void {
  try {
    storage?.setItem(LANG_STORAGE_KEY, lang);
  } catch {
    // The choice then lasts only until the page is reloaded.
  }
}

/**
 * Fills static text from message ids. `data-i18n="id"` sets the text
 * content, and `data-i18n-attr="attr:id;attr:id"` sets attributes.
 */
export function applyTranslations(root: ParentNode, translator: Translator): void {
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const id = element.dataset.i18n;
    if (id) {
      element.textContent = translator.t(id);
    }
  }
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n-attr]')) {
    for (const pair of parseAttrBindings(element.dataset.i18nAttr ?? '')) {
      element.setAttribute(pair.attr, translator.t(pair.id));
    }
  }
}

export function parseAttrBindings(spec: string): { attr: string; id: string }[] {
  const bindings: { attr: string; id: string }[] = [];
  for (const item of spec.split(';')) {
    const [attr, id] = item.split(':').map((part) => part.trim());
    if (attr && id) {
      bindings.push({ attr, id });
    }
  }
  return bindings;
}
