// Chart panel: series picker, step, aggregation and date range controls
// around an ECharts line chart.

import * as echarts from 'echarts/core';
import { LineChart, type LineSeriesOption } from 'echarts/charts';
import {
  DataZoomInsideComponent,
  GridComponent,
  TooltipComponent,
  type DataZoomComponentOption,
  type GridComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { ApiClient } from './api';
import { byId, el, escapeHtml } from './dom';
import { MISSING, formatDateTime, formatIsoDate, formatNumber, isIsoDate, localeTag, parseDisplayDate } from './format';
import type { Translator } from './i18n';
import {
  countValues,
  defaultRange,
  describeSeriesSource,
  groupSeriesBySource,
  mentionsSimulated,
  pickInitialSeries,
  rangeQuery,
  toChartData,
  type DateRange,
} from './series';
import type { Aggregation, Series, Source, Step } from './types';

echarts.use([LineChart, GridComponent, TooltipComponent, DataZoomInsideComponent, CanvasRenderer]);

type ChartOption = echarts.ComposeOption<
  LineSeriesOption | GridComponentOption | TooltipComponentOption | DataZoomComponentOption
>;

const STEPS: readonly Step[] = ['raw', 'hour', 'day'];
const AGGREGATIONS: readonly Aggregation[] = ['avg', 'max', 'min'];

type ChartState = 'empty' | 'loading' | 'ready' | 'no-data' | 'error' | 'invalid-range' | 'invalid-date';

/**
 * ECharts places time-axis ticks on midnights of the browser's time zone,
 * or of UTC with `useUTC`. The chart therefore plots instants shifted by
 * UTC+7 in UTC mode, so that ticks fall on Vietnamese midnights in any
 * browser. Labels and tooltips shift back before formatting.
 */
const VN_OFFSET_MS = 7 * 3600 * 1000;

/** Two-line axis label: "dd/mm" and, below it, "HH:mm" unless the step is a day. */
function axisLabel(shiftedTime: number, step: Step): string {
  const text = formatDateTime(shiftedTime - VN_OFFSET_MS);
  const dayMonth = text.slice(0, 5);
  return step === 'day' ? dayMonth : `${dayMonth}\n${text.slice(11)}`;
}

interface DateControl {
  text: HTMLInputElement;
  picker: HTMLInputElement;
}

export class ChartPanel {
  private readonly translator: Translator;
  private readonly api: ApiClient;
  private readonly container: HTMLElement;
  private readonly seriesSelect: HTMLSelectElement;
  private readonly aggSelect: HTMLSelectElement;
  private readonly fromInput: DateControl;
  private readonly toInput: DateControl;
  private readonly statusLine: HTMLElement;
  private readonly sourceLine: HTMLElement;
  private readonly latestLine: HTMLElement;

  private chart: echarts.ECharts | null = null;
  private series = new Map<string, Series>();
  private sources: Source[] = [];
  private selectedKey: string | null = null;
  private step: Step = 'hour';
  private agg: Aggregation = 'avg';
  private range: DateRange | null = null;
  private request: AbortController | null = null;
  private lastData: [number, number | null][] = [];
  private state: ChartState = 'empty';
  private errorMessage = '';

  constructor(translator: Translator, api: ApiClient) {
    this.translator = translator;
    this.api = api;
    this.container = byId('chart');
    this.seriesSelect = byId<HTMLSelectElement>('series-select');
    this.aggSelect = byId<HTMLSelectElement>('agg-select');
    this.fromInput = { text: byId<HTMLInputElement>('range-from'), picker: byId<HTMLInputElement>('range-from-picker') };
    this.toInput = { text: byId<HTMLInputElement>('range-to'), picker: byId<HTMLInputElement>('range-to-picker') };
    this.statusLine = byId('chart-status');
    this.sourceLine = byId('chart-source');
    this.latestLine = byId('chart-latest');
    this.bindControls();
  }

  /** Fills the series picker. The current series and period are kept when the series still exists. */
  setData(series: Series[], sources: Source[]): void {
    this.series = new Map(series.map((item) => [item.key, item]));
    this.sources = sources;
    const groups = groupSeriesBySource(series, sources, localeTag(this.translator.lang), this.translator.t('series-no-source'));

    const options: HTMLElement[] = [];
    for (const group of groups) {
      const optgroup = el('optgroup', { attrs: { label: group.label } });
      for (const item of group.series) {
        const label =
          item.simulated && !mentionsSimulated(item.name)
            ? this.translator.t('series-simulated', { name: item.name })
            : item.name;
        optgroup.append(el('option', { text: label, attrs: { value: item.key } }));
      }
      options.push(optgroup);
    }
    this.seriesSelect.replaceChildren(...options);
    this.seriesSelect.disabled = series.length === 0;

    if (this.selectedKey && this.series.has(this.selectedKey)) {
      this.seriesSelect.value = this.selectedKey;
      this.renderMeta();
      void this.load();
      return;
    }
    const initial = pickInitialSeries(groups.flatMap((group) => group.series));
    if (initial) {
      this.selectSeries(initial.key);
    } else {
      this.selectedKey = null;
      this.setState('empty');
      this.renderMeta();
    }
  }

  /** Shows a series over the default period: the seven days ending at its last observation. */
  selectSeries(key: string): void {
    const item = this.series.get(key);
    if (!item) {
      return;
    }
    this.selectedKey = key;
    this.seriesSelect.value = key;
    this.range = defaultRange(item);
    this.showDate(this.fromInput, this.range.from);
    this.showDate(this.toInput, this.range.to);
    this.renderMeta();
    void this.load();
  }

  /** Shows an error that prevented the series list from loading. */
  showLoadError(message: string): void {
    this.errorMessage = message;
    this.setState('error');
  }

  /** Re-renders texts and the chart in the current language. */
  refreshLanguage(): void {
    this.renderMeta();
    this.renderStatus();
    if (this.state === 'ready') {
      this.renderChart();
    }
  }

  resize(): void {
    this.chart?.resize();
  }

  private bindControls(): void {
    byId('chart-controls').addEventListener('submit', (event) => event.preventDefault());

    this.seriesSelect.addEventListener('change', () => this.selectSeries(this.seriesSelect.value));

    for (const input of document.querySelectorAll<HTMLInputElement>('input[name="step"]')) {
      if (input.checked && (STEPS as readonly string[]).includes(input.value)) {
        this.step = input.value as Step;
      }
      input.addEventListener('change', () => {
        if (input.checked) {
          this.step = input.value as Step;
          this.syncAggregationControl();
          void this.load();
        }
      });
    }
    this.syncAggregationControl();

    this.aggSelect.value = this.agg;
    this.aggSelect.addEventListener('change', () => {
      const value = this.aggSelect.value;
      if ((AGGREGATIONS as readonly string[]).includes(value)) {
        this.agg = value as Aggregation;
        void this.load();
      }
    });

    for (const control of [this.fromInput, this.toInput]) {
      this.bindDateControl(control);
    }
  }

  /** Wires a typed dd/mm/yyyy field to its calendar button and hidden native date picker. */
  private bindDateControl(control: DateControl): void {
    control.text.addEventListener('change', () => this.onRangeInput());
    control.text.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        this.onRangeInput();
      }
    });
    control.picker.addEventListener('change', () => {
      if (isIsoDate(control.picker.value)) {
        control.text.value = formatIsoDate(control.picker.value);
        this.onRangeInput();
      }
    });
    const button = document.querySelector<HTMLButtonElement>(`button[data-picker="${control.picker.id}"]`);
    button?.addEventListener('click', () => {
      const isoDate = parseDisplayDate(control.text.value);
      control.picker.value = isoDate ?? '';
      try {
        control.picker.showPicker();
      } catch {
        // Browsers without showPicker() still accept a typed date.
        control.text.focus();
      }
    });
  }

  private onRangeInput(): void {
    const from = parseDisplayDate(this.fromInput.text.value);
    const to = parseDisplayDate(this.toInput.text.value);
    this.fromInput.text.setAttribute('aria-invalid', String(from === null));
    this.toInput.text.setAttribute('aria-invalid', String(to === null));
    if (from === null || to === null) {
      this.request?.abort();
      this.setState('invalid-date');
      return;
    }
    if (this.range?.from === from && this.range.to === to && this.state === 'ready') {
      return;
    }
    this.range = { from, to };
    void this.load();
  }

  private showDate(control: DateControl, isoDate: string): void {
    control.text.value = formatIsoDate(isoDate);
    control.text.setAttribute('aria-invalid', 'false');
    control.picker.value = isoDate;
  }

  /** Aggregation has no meaning for raw points. */
  private syncAggregationControl(): void {
    this.aggSelect.disabled = this.step === 'raw';
  }

  private async load(): Promise<void> {
    this.request?.abort();
    this.request = null;
    const item = this.selectedKey ? this.series.get(this.selectedKey) : undefined;
    if (!item || !this.range) {
      return;
    }
    const { from, to } = this.range;
    if (!isIsoDate(from) || !isIsoDate(to) || from > to) {
      this.setState('invalid-range');
      return;
    }

    const controller = new AbortController();
    this.request = controller;
    this.setState('loading');
    try {
      const response = await this.api.observations(item.key, rangeQuery(this.range, this.step, this.agg), controller.signal);
      if (controller.signal.aborted) {
        return;
      }
      this.lastData = toChartData(response.points ?? []);
      if (countValues(this.lastData) === 0) {
        this.setState('no-data');
      } else {
        this.setState('ready');
      }
      this.renderChart();
    } catch (error) {
      if (controller.signal.aborted) {
        return;
      }
      this.errorMessage = error instanceof Error ? error.message : String(error);
      this.setState('error');
    }
  }

  private setState(state: ChartState): void {
    this.state = state;
    this.container.dataset.state = state;
    if (state !== 'ready') {
      this.container.dataset.points = '0';
    }
    if (state !== 'ready' && state !== 'loading') {
      this.lastData = [];
      this.chart?.clear();
    }
    this.renderStatus();
  }

  private renderStatus(): void {
    const t = this.translator;
    const count = countValues(this.lastData);
    const messages: Record<ChartState, string> = {
      empty: this.series.size === 0 ? t.t('chart-no-series') : '',
      loading: t.t('loading'),
      ready: t.t('chart-points', { count }),
      'no-data': t.t('chart-no-data'),
      error: t.t('load-failed', { message: this.errorMessage }),
      'invalid-range': t.t('chart-invalid-range'),
      'invalid-date': t.t('chart-invalid-date'),
    };
    this.statusLine.textContent = messages[this.state];
    const isError = this.state === 'error' || this.state === 'invalid-range' || this.state === 'invalid-date';
    this.statusLine.classList.toggle('is-error', isError);
  }

  private renderMeta(): void {
    const t = this.translator;
    const item = this.selectedKey ? this.series.get(this.selectedKey) : undefined;
    if (!item) {
      this.sourceLine.textContent = '';
      this.latestLine.textContent = '';
      return;
    }
    const label = describeSeriesSource(item, this.sources);
    this.sourceLine.textContent = t.t('chart-source', { source: label.source || MISSING, agency: label.agency || MISSING });
    if (item.last_value !== null && item.last_time) {
      this.latestLine.textContent = t.t('chart-latest', {
        value: formatNumber(item.last_value, t.lang),
        unit: item.unit,
        time: formatDateTime(item.last_time),
      });
    } else {
      this.latestLine.textContent = '';
    }
  }

  private renderChart(): void {
    const item = this.selectedKey ? this.series.get(this.selectedKey) : undefined;
    if (!item || this.state !== 'ready') {
      return;
    }
    if (!this.chart) {
      this.chart = echarts.init(this.container, undefined, { renderer: 'canvas' });
      new ResizeObserver(() => this.chart?.resize()).observe(this.container);
    }
    const lang = this.translator.lang;
    const step = this.step;
    const unit = item.unit;
    const seriesName = item.name;
    const valueLabel = this.translator.t('chart-value');

    const shiftedData = this.lastData.map(([time, value]): [number, number | null] => [time + VN_OFFSET_MS, value]);
    const option: ChartOption = {
      animation: false,
      useUTC: true,
      grid: { left: 56, right: 24, top: 40, bottom: step === 'day' ? 32 : 48 },
      tooltip: {
        trigger: 'axis',
        formatter: (params) => {
          const list = Array.isArray(params) ? params : [params];
          const first = list[0];
          if (!first) {
            return '';
          }
          const [shiftedTime, value] = first.value as [number, number | null];
          const valueText = value === null ? '—' : `${formatNumber(value, lang)} ${unit}`.trim();
          const timeText = formatDateTime(shiftedTime - VN_OFFSET_MS);
          return `${escapeHtml(timeText)}<br/>${escapeHtml(seriesName || valueLabel)}: <b>${escapeHtml(valueText)}</b>`;
        },
      },
      dataZoom: [{ type: 'inside' }],
      xAxis: {
        type: 'time',
        axisLabel: { formatter: (value: number) => axisLabel(value, step), hideOverlap: true },
      },
      yAxis: {
        type: 'value',
        name: unit,
        nameTextStyle: { align: 'left' },
        scale: true,
        axisLabel: { formatter: (value: number) => formatNumber(value, lang) },
      },
      series: [
        {
          type: 'line',
          name: seriesName,
          data: shiftedData,
          showSymbol: this.lastData.length <= 60,
          symbolSize: 5,
          connectNulls: false,
          lineStyle: { width: 2 },
          itemStyle: { color: item.simulated ? '#8a6d3b' : '#0d6efd' },
        },
      ],
    };
    this.chart.setOption(option, { notMerge: true });

    this.container.dataset.points = String(countValues(this.lastData));
    this.container.dataset.series = item.key;
    this.container.dataset.step = step;
    this.container.dataset.agg = step === 'raw' ? '' : this.agg;
  }
}
