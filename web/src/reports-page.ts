// The public page of citizen reports (phản ánh hiện trường): a report form that posts to
// the Open311 endpoint, the follow-up by tracking token, the handled reports with filters,
// and the province's handling statistics. No login is needed.

import './reports.css';

interface Service {
  service_code: string;
  service_name: string;
}

interface AttributeValue {
  key: string;
  name: string;
}

interface ServiceDefinition {
  attributes: { code: string; values: AttributeValue[] }[];
}

interface PublicCase {
  id: number;
  state_label: string;
  category_name: string;
  description: string;
  commune_name: string | null;
  agency_name: string | null;
  received_at: string;
  resolved_at: string | null;
  answer: string | null;
  timeliness: string;
  rating: number | null;
  photos: string[];
  simulated: boolean;
}

interface Counts {
  total: number;
  on_time: number;
  late_with_extension: number;
  late: number;
  open: number;
  open_overdue: number;
}

interface StatisticsRow extends Counts {
  key: string;
  name: string;
}

const TIMELINESS: Record<string, string> = {
  on_time: 'Đúng hạn',
  late_with_extension: 'Trễ hạn có gia hạn',
  late: 'Trễ hạn',
  open: 'Đang xử lý',
  open_overdue: 'Quá hạn',
  not_counted: '',
};

const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) {
    throw new Error(`missing #${id}`);
  }
  return element as T;
}

function make(tag: string, text?: string, className?: string): HTMLElement {
  const element = document.createElement(tag);
  if (text !== undefined) {
    element.textContent = text;
  }
  if (className) {
    element.className = className;
  }
  return element;
}

/** Formats an ISO 8601 time with offset as "HH:MM dd/mm/yyyy" in its own offset. */
function localTime(iso: string | null): string {
  if (!iso || iso.length < 16) {
    return '';
  }
  return `${iso.slice(11, 16)} ${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

/** The CSRF token of a logged-in session, when there is one. */
let csrfToken: string | null = null;

async function loadSession(): Promise<void> {
  try {
    const response = await fetch('/api/v1/auth/me', { headers: { 'Accept-Language': 'vi' } });
    if (response.ok) {
      const body = (await response.json()) as { csrf_token?: string };
      csrfToken = body.csrf_token ?? null;
    }
  } catch {
    csrfToken = null;
  }
}

function writeHeaders(contentType: string): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': contentType, 'Accept-Language': 'vi' };
  if (csrfToken) {
    headers['X-CSRF-Token'] = csrfToken;
  }
  return headers;
}

/**
 * Sends a POST; a logged-in visitor's session cookie makes the server ask for the session's
 * CSRF token, which is then fetched once and the request sent again.
 */
async function post(url: string, contentType: string, body: string): Promise<Response> {
  const send = () => fetch(url, { method: 'POST', headers: writeHeaders(contentType), body });
  const response = await send();
  if (response.status === 403 && !csrfToken) {
    const error = (await response.clone().json()) as { error?: { code?: string } };
    if (error.error?.code === 'CSRF_CHECK_FAILED') {
      await loadSession();
      return send();
    }
  }
  return response;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { 'Accept-Language': 'vi' } });
  const body = (await response.json()) as unknown;
  if (!response.ok) {
    throw new Error(errorText(body));
  }
  return body as T;
}

/** The message of an Open311 error array or of an API error object. */
function errorText(body: unknown): string {
  if (Array.isArray(body) && body.length > 0) {
    return String((body[0] as { description?: string }).description ?? 'Lỗi');
  }
  const error = (body as { error?: { message?: string } } | null)?.error;
  return error?.message ?? 'Không gửi được yêu cầu. Vui lòng thử lại.';
}

function fillSelect(select: HTMLSelectElement, items: AttributeValue[], keepFirst: boolean): void {
  while (select.options.length > (keepFirst ? 1 : 0)) {
    select.remove(select.options.length - 1);
  }
  for (const item of items) {
    select.add(new Option(item.name, item.key));
  }
}

async function loadServices(): Promise<void> {
  const services = await getJson<Service[]>('/open311/v2/services.json');
  const items = services.map((s) => ({ key: s.service_code, name: s.service_name }));
  fillSelect(byId<HTMLSelectElement>('intake-service'), items, false);
  fillSelect(byId<HTMLSelectElement>('filter-category'), items, true);
  const first = services[0];
  if (first) {
    const definition = await getJson<ServiceDefinition>(
      `/open311/v2/services/${encodeURIComponent(first.service_code)}.json`,
    );
    const communes = definition.attributes.find((a) => a.code === 'commune')?.values ?? [];
    fillSelect(byId<HTMLSelectElement>('intake-commune'), [{ key: '', name: '— Chọn xã, phường —' }, ...communes], false);
    fillSelect(byId<HTMLSelectElement>('filter-commune'), communes, true);
  }
}

function readFileBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(new Error('Không đọc được ảnh.'));
    reader.readAsDataURL(file);
  });
}

async function submitReport(event: Event): Promise<void> {
  event.preventDefault();
  const result = byId('intake-result');
  result.textContent = 'Đang gửi…';
  result.className = '';
  const value = (id: string) => byId<HTMLInputElement>(id).value.trim();
  const photo = byId<HTMLInputElement>('intake-photo').files?.[0];
  if (photo && photo.size > MAX_PHOTO_BYTES) {
    result.textContent = 'Ảnh lớn hơn 5 MB. Hãy chọn ảnh nhỏ hơn.';
    result.className = 'reports-error';
    return;
  }
  const form = new URLSearchParams();
  form.set('service_code', byId<HTMLSelectElement>('intake-service').value);
  form.set('description', value('intake-description'));
  form.set('haidang_channel', 'web');
  for (const [id, name] of [
    ['intake-lat', 'lat'],
    ['intake-long', 'long'],
    ['intake-address', 'address_string'],
    ['intake-phone', 'phone'],
    ['intake-email', 'email'],
    ['intake-name', 'first_name'],
  ] as const) {
    if (value(id)) {
      form.set(name, value(id));
    }
  }
  const commune = byId<HTMLSelectElement>('intake-commune').value;
  if (commune) {
    form.set('attribute[commune]', commune);
  }
  try {
    const response = await post('/open311/v2/requests.json', 'application/x-www-form-urlencoded', form.toString());
    const body = (await response.json()) as unknown;
    if (!response.ok) {
      throw new Error(errorText(body));
    }
    const created = (body as { service_request_id: string; token: string; service_notice: string }[])[0];
    if (!created) {
      throw new Error('Máy chủ không trả về số phản ánh.');
    }
    if (photo) {
      const data = await readFileBase64(photo);
      const upload = await post(
        `/api/v1/public/tracking/${encodeURIComponent(created.token)}/media`,
        'application/json',
        JSON.stringify({ data }),
      );
      if (!upload.ok) {
        throw new Error(errorText(await upload.json()));
      }
    }
    result.replaceChildren(
      make('strong', `Đã tiếp nhận phản ánh số ${created.service_request_id}.`),
      make('span', ` Mã theo dõi của bạn: `),
      make('code', created.token, 'reports-token'),
      make('p', 'Hãy lưu mã theo dõi để xem quá trình xử lý và đánh giá kết quả.'),
    );
    result.className = 'reports-ok';
    byId<HTMLInputElement>('track-token').value = created.token;
    (event.target as HTMLFormElement).reset();
  } catch (error) {
    result.textContent = error instanceof Error ? error.message : String(error);
    result.className = 'reports-error';
  }
}

interface TokenAnswer {
  service_request_id: string;
  haidang_state_label: string;
  haidang_expected_datetime: string;
  haidang_answer: string | null;
  haidang_merged_into: string | null;
  haidang_history: { at: string; state_label: string; note: string | null }[];
}

async function trackReport(event: Event): Promise<void> {
  event.preventDefault();
  const result = byId('track-result');
  const token = byId<HTMLInputElement>('track-token').value.trim();
  try {
    const [answer] = await getJson<TokenAnswer[]>(`/open311/v2/tokens/${encodeURIComponent(token)}.json`);
    if (!answer) {
      throw new Error('Không tìm thấy phản ánh của mã theo dõi này.');
    }
    const list = make('ol', undefined, 'reports-history');
    for (const step of answer.haidang_history) {
      list.append(make('li', `${localTime(step.at)} — ${step.state_label}${step.note ? `: ${step.note}` : ''}`));
    }
    const merged = answer.haidang_merged_into
      ? make('p', `Phản ánh đã được gộp vào phản ánh số ${answer.haidang_merged_into}.`)
      : make('p', `Hạn xử lý: ${localTime(answer.haidang_expected_datetime)}`);
    result.replaceChildren(
      make('strong', `Phản ánh số ${answer.service_request_id}: ${answer.haidang_state_label}`),
      merged,
      list,
    );
    result.className = '';
  } catch (error) {
    result.textContent = error instanceof Error ? error.message : String(error);
    result.className = 'reports-error';
  }
}

async function loadResults(): Promise<void> {
  const params = new URLSearchParams();
  for (const [id, name] of [
    ['filter-category', 'category'],
    ['filter-commune', 'commune'],
    ['filter-status', 'status'],
  ] as const) {
    const value = byId<HTMLSelectElement>(id).value;
    if (value) {
      params.set(name, value);
    }
  }
  const list = byId('results-list');
  const { cases } = await getJson<{ cases: PublicCase[] }>(`/api/v1/public/cases?${params.toString()}`);
  if (cases.length === 0) {
    list.replaceChildren(make('li', 'Chưa có phản ánh nào đã xử lý phù hợp.', 'reports-empty'));
    return;
  }
  list.replaceChildren(
    ...cases.map((c) => {
      const item = make('li', undefined, 'reports-item');
      item.dataset.caseId = String(c.id);
      item.append(
        make('h3', `Số ${c.id} · ${c.category_name}`),
        make('p', c.description, 'reports-description'),
        make(
          'p',
          [c.commune_name, c.agency_name ? `Đơn vị xử lý: ${c.agency_name}` : null].filter(Boolean).join(' · '),
          'reports-meta',
        ),
        make(
          'p',
          `Tiếp nhận ${localTime(c.received_at)} · Xử lý xong ${localTime(c.resolved_at)} · ${TIMELINESS[c.timeliness] ?? ''} · ${c.state_label}`,
          'reports-meta',
        ),
        make('p', `Kết quả: ${c.answer ?? ''}`, 'reports-answer'),
      );
      if (c.rating !== null) {
        item.append(make('p', `Người dân đánh giá: ${c.rating}/5`, 'reports-meta'));
      }
      for (const url of c.photos) {
        const image = document.createElement('img');
        image.src = url;
        image.alt = `Ảnh kết quả xử lý phản ánh số ${c.id}`;
        image.className = 'reports-photo';
        item.append(image);
      }
      if (c.simulated) {
        item.append(make('span', 'Dữ liệu mô phỏng', 'reports-badge'));
      }
      return item;
    }),
  );
}

async function loadStatistics(): Promise<void> {
  const stats = await getJson<{ total: Counts; by_agency: StatisticsRow[] }>('/api/v1/public/cases/statistics');
  const row = (name: string, counts: Counts) => {
    const tr = document.createElement('tr');
    tr.append(make('th', name));
    for (const value of [
      counts.total,
      counts.on_time,
      counts.late_with_extension,
      counts.late,
      counts.open,
      counts.open_overdue,
    ]) {
      tr.append(make('td', String(value)));
    }
    return tr;
  };
  byId('stats-body').replaceChildren(
    ...stats.by_agency.map((r) => row(r.name || 'Chưa giao', r)),
    row('Toàn tỉnh', stats.total),
  );
}

function showFailure(error: unknown): void {
  const list = byId('results-list');
  list.replaceChildren(make('li', error instanceof Error ? error.message : String(error), 'reports-error'));
}

async function start(): Promise<void> {
  byId('intake-form').addEventListener('submit', (event) => void submitReport(event));
  byId('track-form').addEventListener('submit', (event) => void trackReport(event));
  for (const id of ['filter-category', 'filter-commune', 'filter-status']) {
    byId(id).addEventListener('change', () => void loadResults().catch(showFailure));
  }
  await loadServices();
  await Promise.all([loadResults(), loadStatistics()]);
  document.body.dataset.ready = 'true';
}

void start().catch(showFailure);
