import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError, observationsUrl, unitsUrl } from '../src/api';
import type { Lang } from '../src/types';

describe('observationsUrl', () => {
  it('encodes the offset of ISO times', () => {
    const url = observationsUrl('air.pt.pm25', {
      from: '2025-07-02T00:00:00+07:00',
      to: '2025-07-08T23:59:59+07:00',
      step: 'day',
      agg: 'max',
    });
    expect(url).toBe(
      '/api/v1/series/air.pt.pm25/observations' +
        '?from=2025-07-02T00%3A00%3A00%2B07%3A00&to=2025-07-08T23%3A59%3A59%2B07%3A00&step=day&agg=max',
    );
  });

  it('round-trips the plus sign of the offset', () => {
    const url = new URL(
      observationsUrl('k', { from: '2025-07-02T00:00:00+07:00', to: '2025-07-08T23:59:59+07:00', step: 'hour', agg: 'avg' }),
      'http://127.0.0.1',
    );
    expect(url.searchParams.get('from')).toBe('2025-07-02T00:00:00+07:00');
    expect(url.searchParams.get('to')).toBe('2025-07-08T23:59:59+07:00');
    expect(url.searchParams.get('step')).toBe('hour');
    expect(url.searchParams.get('agg')).toBe('avg');
  });

  it('leaves aggregation out of raw queries', () => {
    const url = new URL(
      observationsUrl('k', { from: '2025-07-02T00:00:00+07:00', to: '2025-07-03T00:00:00+07:00', step: 'raw', agg: 'max' }),
      'http://127.0.0.1',
    );
    expect(url.searchParams.get('step')).toBe('raw');
    expect(url.searchParams.has('agg')).toBe(false);
  });

  it('escapes series keys as one path segment', () => {
    const url = observationsUrl('hydro/la-nga:level', {
      from: '2025-07-02T00:00:00+07:00',
      to: '2025-07-03T00:00:00+07:00',
      step: 'day',
      agg: 'min',
    });
    expect(url.startsWith('/api/v1/series/hydro%2Fla-nga%3Alevel/observations?')).toBe(true);
  });
});

describe('unitsUrl', () => {
  it('adds only the given parameters', () => {
    expect(unitsUrl()).toBe('/api/v1/units');
    expect(unitsUrl('2025-07-08')).toBe('/api/v1/units?as_of=2025-07-08');
    expect(unitsUrl('2025-07-08', '68')).toBe('/api/v1/units?as_of=2025-07-08&parent=68');
  });
});

interface RecordedRequest {
  url: string;
  headers: Record<string, string>;
}

function fakeFetch(response: () => Response, requests: RecordedRequest[]) {
  return async (input: string, init?: RequestInit): Promise<Response> => {
    requests.push({ url: input, headers: { ...(init?.headers as Record<string, string>) } });
    return response();
  };
}

describe('ApiClient', () => {
  it('sends the current UI language', async () => {
    let lang: Lang = 'vi';
    const requests: RecordedRequest[] = [];
    const client = new ApiClient(
      () => lang,
      fakeFetch(() => Response.json({ sources: [] }), requests),
    );

    await client.sources();
    lang = 'en';
    await client.sources();

    expect(requests.map((request) => request.url)).toEqual(['/api/v1/sources', '/api/v1/sources']);
    expect(requests[0]?.headers['Accept-Language']).toBe('vi');
    expect(requests[1]?.headers['Accept-Language']).toBe('en');
    expect(requests[0]?.headers.Accept).toBe('application/json');
  });

  it('raises the error of a JSON error body', async () => {
    const client = new ApiClient(
      () => 'vi',
      fakeFetch(() => Response.json({ error: { code: 'not_found', message: 'không tìm thấy chuỗi x' } }, { status: 404 }), []),
    );

    const error = await client.series().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
    expect((error as ApiError).code).toBe('not_found');
    expect((error as ApiError).message).toBe('không tìm thấy chuỗi x');
  });

  it('raises an HTTP error for a non-JSON failure', async () => {
    const client = new ApiClient(
      () => 'en',
      fakeFetch(() => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }), []),
    );

    const error = await client.about().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('http_error');
    expect((error as ApiError).message).toBe('HTTP 502 Bad Gateway');
  });

  it('raises on a success response that is not JSON', async () => {
    const client = new ApiClient(
      () => 'en',
      fakeFetch(() => new Response('oops', { status: 200 }), []),
    );

    const error = await client.entities().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('invalid_json');
  });
});
