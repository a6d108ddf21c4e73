import { describe, expect, it } from 'vitest';
import {
  CASE_STATES,
  actionProblems,
  actionsFor,
  caseListUrl,
  dispatchModeOf,
  hasImageSignature,
  handlesCases,
  phoneReportBody,
  phoneReportProblems,
  photoProblem,
  toBase64,
} from '../src/cases';
import { Translator } from '../src/i18n';
import { allowedViews } from '../src/views';

const session = (role: string, agency: string | null = null) => ({
  stage: 'full' as const,
  grants: [{ role, agency, unit: null }],
});

const emptyDraft = { category: '', description: '', commune: '', lat: '', lon: '', address: '', name: '', phone: '' };

describe('case steps', () => {
  it('keeps dispatch steps for operators', () => {
    expect(actionsFor('dispatch', ['accept', 'reject', 'merge'])).toEqual(['accept', 'reject']);
    expect(actionsFor('dispatch', ['assign', 'start', 'resolve'])).toEqual(['assign']);
    expect(actionsFor('dispatch', ['approve_extension', 'refuse_extension'])).toEqual(['approve_extension', 'refuse_extension']);
  });

  it('keeps handle steps for officers', () => {
    expect(actionsFor('handle', ['assign', 'start', 'resolve'])).toEqual(['start', 'resolve']);
    expect(actionsFor('handle', ['assign', 'request_extension', 'resolve'])).toEqual(['request_extension', 'resolve']);
    expect(actionsFor('handle', ['publish', 'reopen'])).toEqual([]);
  });

  it('offers leaders no steps', () => {
    expect(actionsFor('read', ['accept', 'reject'])).toEqual([]);
  });

  it('maps roles to case screens', () => {
    expect(dispatchModeOf(session('operator'))).toBe('dispatch');
    expect(dispatchModeOf(session('admin'))).toBe('dispatch');
    expect(dispatchModeOf(session('leader'))).toBe('read');
    expect(dispatchModeOf(session('agency_officer', 'so-xd'))).toBeNull();
    expect(handlesCases(session('agency_officer', 'so-xd'))).toBe(true);
    expect(handlesCases(session('operator'))).toBe(false);
    expect(allowedViews(session('operator'))).toEqual(['dashboard', 'cases', 'case-stats']);
    expect(allowedViews(session('commune_officer'))).toEqual(['dashboard', 'my-cases', 'case-stats']);
    expect(allowedViews(session('auditor'))).toEqual(['dashboard', 'audit']);
  });
});

describe('case labels', () => {
  const translator = new Translator('vi');

  it('names every state in both languages', () => {
    for (const state of CASE_STATES) {
      for (const lang of ['vi', 'en'] as const) {
        const label = translator.tIn(lang, 'case-state', { state });
        expect(label).not.toBe(state);
        expect(label).not.toBe('case-state');
      }
    }
    expect(translator.tIn('vi', 'case-state', { state: 'assigned' })).toBe('Đã chuyển xử lý');
    expect(translator.tIn('en', 'case-state', { state: 'assigned' })).toBe('Assigned');
  });

  it('names steps and deadline status', () => {
    expect(translator.tIn('vi', 'case-action', { event: 'resolve' })).toBe('Trả lời kết quả');
    expect(translator.tIn('en', 'case-action', { event: 'resolve' })).toBe('Answer with the result');
    expect(translator.tIn('vi', 'case-deadline-status', { status: 'due_soon' })).toBe('Sắp đến hạn');
    expect(translator.tIn('en', 'case-deadline-status', { status: 'overdue' })).toBe('Overdue');
  });
});

describe('case list query', () => {
  it('builds the filters', () => {
    const url = caseListUrl({ state: 'open', category: 'cay-do', commune: '22945', overdueOnly: true, text: ' 12 ' });
    const params = new URL(url, 'http://127.0.0.1').searchParams;
    expect(params.get('state')).toBe('received,accepted,assigned,in_progress,extension_requested,reopened');
    expect(params.get('category')).toBe('cay-do');
    expect(params.get('commune')).toBe('22945');
    expect(params.get('q')).toBe('12');
  });

  it('leaves out empty filters', () => {
    const url = caseListUrl({ state: '', category: '', commune: '', overdueOnly: false, text: '' });
    expect(url).toBe('/api/v1/cases?limit=500');
  });
});

describe('phone report form', () => {
  it('requires category, description, place', () => {
    const fields = phoneReportProblems(emptyDraft).map((problem) => problem.field);
    expect(fields).toEqual(['category', 'description', 'commune']);
  });

  it('checks coordinates and phone', () => {
    const draft = { ...emptyDraft, category: 'cay-do', description: 'Cây đổ', lat: '95', lon: '108,1', phone: '09x' };
    expect(phoneReportProblems(draft).map((problem) => problem.field)).toEqual(['lat', 'phone']);
  });

  it('accepts decimal commas', () => {
    const draft = { ...emptyDraft, category: 'cay-do', description: ' Cây đổ ', lat: '10,93', lon: '108,1', phone: '0912 345 678' };
    expect(phoneReportProblems(draft)).toEqual([]);
    expect(phoneReportBody(draft, null)).toEqual({
      service_code: 'cay-do',
      description: 'Cây đổ',
      lat: 10.93,
      long: 108.1,
      phone: '0912 345 678',
    });
  });

  it('uses the commune name as address', () => {
    const draft = { ...emptyDraft, category: 'cay-do', description: 'Cây đổ', commune: '22945' };
    expect(phoneReportProblems(draft)).toEqual([]);
    expect(phoneReportBody(draft, 'Phường Phan Thiết')).toMatchObject({ commune: '22945', address_string: 'Phường Phan Thiết' });
  });
});

describe('step form', () => {
  const blank = { note: '', agency: '', commune: '', extraDays: '' };

  it('requires notes where the server does', () => {
    expect(actionProblems('reject', blank).map((problem) => problem.field)).toEqual(['note']);
    expect(actionProblems('resolve', blank)[0]?.message).toBe('case-validation-answer');
    expect(actionProblems('refuse_extension', blank)).toHaveLength(1);
  });

  it('requires an assignee', () => {
    expect(actionProblems('assign', blank).map((problem) => problem.field)).toEqual(['agency']);
    expect(actionProblems('assign', { ...blank, commune: '22945' })).toEqual([]);
  });

  it('bounds extension days', () => {
    expect(actionProblems('request_extension', { ...blank, note: 'Chờ vật tư', extraDays: '31' })).toHaveLength(1);
    expect(actionProblems('request_extension', { ...blank, note: 'Chờ vật tư', extraDays: '3' })).toEqual([]);
  });
});

describe('answer photos', () => {
  it('checks type and size', () => {
    expect(photoProblem({ type: 'image/png', size: 1000 })).toBeNull();
    expect(photoProblem({ type: 'image/gif', size: 1000 })).toBe('case-photo-type');
    expect(photoProblem({ type: 'image/jpeg', size: 5 * 1024 * 1024 + 1 })).toBe('case-photo-size');
    expect(photoProblem({ type: 'image/jpeg', size: 5 * 1024 * 1024 })).toBeNull();
  });

  it('checks the first bytes', () => {
    expect(hasImageSignature(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe(true);
    expect(hasImageSignature(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(hasImageSignature(new TextEncoder().encode('GIF89a'))).toBe(false);
  });

  it('encodes base64', () => {
    expect(toBase64(new TextEncoder().encode('hello'))).toBe('aGVsbG8=');
  });
});
