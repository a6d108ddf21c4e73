import { FluentResource } from '@fluent/bundle';
import { describe, expect, it } from 'vitest';
import indexHtml from '../index.html?raw';
import {
  FTL_SOURCES,
  LANG_STORAGE_KEY,
  Translator,
  createBundle,
  parseAttrBindings,
  readStoredLang,
  storeLang,
} from '../src/i18n';
import { GRADE_CATEGORIES } from '../src/typhoon';
import type { Lang } from '../src/types';

// The server loads every .ftl file of a locale folder into one Fluent bundle,
// so the page's ids must not clash with ids in the server's files.
const localeFiles = import.meta.glob<string>('../../locales/*/*.ftl', { query: '?raw', import: 'default', eager: true });

const sourceFiles = import.meta.glob<string>('../src/**/*.ts', { query: '?raw', import: 'default', eager: true });

/** Message ids with the variables each one uses, read from the parsed AST. */
function messageVariables(source: string): Map<string, Set<string>> {
  const resource = new FluentResource(source) as unknown as { body: { id: string; value: unknown; attributes: Record<string, unknown> }[] };
  const result = new Map<string, Set<string>>();
  for (const entry of resource.body) {
    if (entry.id.startsWith('-')) {
      continue;
    }
    const names = new Set<string>();
    collectVariables(entry.value, names);
    for (const attribute of Object.values(entry.attributes)) {
      collectVariables(attribute, names);
    }
    result.set(entry.id, names);
  }
  return result;
}

function collectVariables(node: unknown, names: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) {
      collectVariables(item, names);
    }
    return;
  }
  if (typeof node !== 'object' || node === null) {
    return;
  }
  const expression = node as { type?: string; name?: string; selector?: unknown; variants?: { value: unknown }[]; args?: unknown[] };
  if (expression.type === 'var' && expression.name) {
    names.add(expression.name);
  }
  collectVariables(expression.selector, names);
  for (const variant of expression.variants ?? []) {
    collectVariables(variant.value, names);
  }
  collectVariables(expression.args, names);
}

/** Ids declared at the start of a line, as a text-level count independent of the parser. */
function declaredIds(source: string): string[] {
  return [...source.matchAll(/^([a-zA-Z][a-zA-Z0-9_-]*)\s*=/gm)].map((match) => match[1] ?? '');
}

function translator(lang: Lang): Translator {
  return new Translator(lang);
}

describe('locale files', () => {
  it('parse without errors', () => {
    for (const lang of ['vi', 'en'] as const) {
      const { errors } = createBundle(lang, FTL_SOURCES[lang]);
      expect(errors, `errors in locales/${lang}/web.ftl`).toEqual([]);
      expect([...messageVariables(FTL_SOURCES[lang]).keys()].sort(), `unparsed entries in locales/${lang}/web.ftl`).toEqual(
        declaredIds(FTL_SOURCES[lang]).sort(),
      );
    }
  });

  it('declare the same message ids', () => {
    const vi = [...messageVariables(FTL_SOURCES.vi).keys()].sort();
    const en = [...messageVariables(FTL_SOURCES.en).keys()].sort();
    expect(vi.length).toBeGreaterThan(40);
    expect(en).toEqual(vi);
  });

  it('use the same variables per message', () => {
    const vi = messageVariables(FTL_SOURCES.vi);
    const en = messageVariables(FTL_SOURCES.en);
    for (const [id, names] of vi) {
      expect([...(en.get(id) ?? [])].sort(), `variables of ${id}`).toEqual([...names].sort());
    }
  });

  it('contain every id the code and page use', () => {
    const used = new Set<string>();
    for (const [path, text] of Object.entries(sourceFiles)) {
      for (const match of text.matchAll(/\bt\(\s*'([a-z0-9-]+)'/g)) {
        used.add(match[1] ?? '');
      }
      // Ids kept in lookup tables, such as the layer names and freshness labels.
      for (const match of text.matchAll(/'((?:layer|status)-[a-z]+)'/g)) {
        used.add(match[1] ?? '');
      }
      expect(text.length, `${path} is empty`).toBeGreaterThan(0);
    }
    for (const match of indexHtml.matchAll(/data-i18n="([^"]+)"/g)) {
      used.add(match[1] ?? '');
    }
    for (const match of indexHtml.matchAll(/data-i18n-attr="([^"]+)"/g)) {
      for (const binding of parseAttrBindings(match[1] ?? '')) {
        used.add(binding.id);
      }
    }
    for (const category of GRADE_CATEGORIES) {
      used.add(`grade-${category}`);
    }

    expect(used.size).toBeGreaterThan(40);
    for (const lang of ['vi', 'en'] as const) {
      const t = translator(lang);
      const missing = [...used].filter((id) => !t.has(id));
      expect(missing, `ids missing from locales/${lang}/web.ftl`).toEqual([]);
    }
  });
  it('share no id with other locale files', () => {
    expect(Object.keys(localeFiles)).toContain('../../locales/vi/web.ftl');
    for (const lang of ['vi', 'en'] as const) {
      const webIds = new Set(messageVariables(FTL_SOURCES[lang]).keys());
      for (const [path, text] of Object.entries(localeFiles)) {
        if (!path.startsWith(`../../locales/${lang}/`) || path.endsWith('/web.ftl')) {
          continue;
        }
        const clashes = [...messageVariables(text).keys()].filter((id) => webIds.has(id));
        expect(clashes, `ids in both ${path} and locales/${lang}/web.ftl`).toEqual([]);
      }
    }
  });
});

describe('Translator', () => {
  it('formats the page title in each language', () => {
    expect(translator('vi').t('page-title')).toBe('Hải Đăng — Trung tâm Giám sát, điều hành đô thị thông minh');
    expect(translator('en').t('page-title')).toBe('Hải Đăng — Intelligent Operations Center');
    expect(translator('vi').t('deployment-default')).toBe('Lâm Đồng (khu vực Bình Thuận cũ)');
  });

  it('names the freshness states', () => {
    const vi = translator('vi');
    expect(vi.t('status-fresh')).toBe('Đang cập nhật');
    expect(vi.t('status-stale')).toBe('Chậm cập nhật');
    expect(vi.t('status-never')).toBe('Chưa có dữ liệu');
    expect(vi.t('simulated-data')).toBe('dữ liệu mô phỏng');
    expect(translator('en').t('simulated-data')).toBe('simulated data');
  });

  it('fills variables without isolation marks', () => {
    const text = translator('vi').t('chart-source', { source: 'Quan trắc', agency: 'Sở NN&MT' });
    expect(text).toBe('Nguồn: Quan trắc · Đơn vị: Sở NN&MT');
    expect(text).not.toMatch(/[\u2068\u2069]/);
  });

  it('formats numeric variables in the bundle locale', () => {
    expect(translator('vi').t('chart-points', { count: 1234 })).toBe('1.234 điểm số liệu');
    expect(translator('en').t('chart-points', { count: 1 })).toBe('1 data point');
    expect(translator('en').t('chart-points', { count: 1234 })).toBe('1,234 data points');
  });

  it('selects station kinds with a fallback', () => {
    expect(translator('vi').t('station-kind', { kind: 'hydro_station' })).toBe('Trạm thủy văn');
    expect(translator('en').t('station-kind', { kind: 'air_station' })).toBe('Air quality station');
    expect(translator('vi').t('station-kind', { kind: 'radar' })).toBe('radar');
  });

  it('returns the id of a missing message', () => {
    expect(translator('vi').t('no-such-message')).toBe('no-such-message');
  });

  it('formats in another language on request', () => {
    const t = translator('en');
    expect(t.tIn('vi', 'deployment-default')).toBe('Lâm Đồng (khu vực Bình Thuận cũ)');
    expect(t.t('deployment-default')).toBe('Lâm Đồng (former Bình Thuận area)');
  });

  it('switches language in place', () => {
    const t = translator('vi');
    t.lang = 'en';
    expect(t.t('sources-heading')).toBe('Data sources');
  });
});

describe('stored language', () => {
  it('reads a saved choice', () => {
    expect(readStoredLang({ getItem: (key) => (key === LANG_STORAGE_KEY ? 'en' : null) })).toBe('en');
  });

  it('falls back to Vietnamese', () => {
    expect(readStoredLang({ getItem: () => 'fr' })).toBe('vi');
    expect(readStoredLang({ getItem: () => null })).toBe('vi');
    expect(readStoredLang(null)).toBe('vi');
    expect(
      readStoredLang({
        getItem: () => {
          throw new Error('blocked');
        },
      }),
    ).toBe('vi');
  });

  it('saves a choice and survives blocked storage', () => {
    const saved = new Map<string, string>();
    storeLang({ setItem: (key, value) => saved.set(key, value) }, 'en');
    expect(saved.get(LANG_STORAGE_KEY)).toBe('en');
    expect(() =>
      storeLang(
        {
          setItem: () => {
            throw new Error('quota');
          },
        },
        'vi',
      ),
    ).not.toThrow();
  });
});

describe('parseAttrBindings', () => {
  it('reads attribute and id pairs', () => {
    expect(parseAttrBindings('aria-label:map-label; title:page-title')).toEqual([
      { attr: 'aria-label', id: 'map-label' },
      { attr: 'title', id: 'page-title' },
    ]);
    expect(parseAttrBindings('broken;:x;y:')).toEqual([]);
  });
});
