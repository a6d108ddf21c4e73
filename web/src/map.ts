// Leaflet map of the province. There is no tile layer because the
// deployment may run offline. The province and its former districts are
// drawn from GeoJSON on a plain background.

import * as L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import type { Feature, FeatureCollection, Geometry, LineString, MultiLineString } from 'geojson';
import { el } from './dom';
import { formatDate, formatNumber } from './format';
import type { Translator } from './i18n';
import { hasPosition, isHanoiReference, kindColor } from './stations';
import { GRADE_CATEGORIES, GRADE_COLORS, gradeCategory, typhoonTrackStyle } from './typhoon';
import type { BoundaryProperties, Entity, Series, TyphoonProperties } from './types';

/** Centre of the former Bình Thuận province, used until the boundary is loaded. */
const INITIAL_CENTER: L.LatLngTuple = [11.1, 108.1];
const INITIAL_ZOOM = 8;

export interface MapData {
  boundaries: FeatureCollection<Geometry, BoundaryProperties> | null;
  typhoons: FeatureCollection<LineString | MultiLineString, TyphoonProperties> | null;
  entities: Entity[];
  series: ReadonlyMap<string, Series>;
}

export interface MapCallbacks {
  /** Called when the user picks a station or one of its series on the map. */
  onSelectEntity(entity: Entity, seriesKey: string | null): void;
}

/** Keeps an opened popup clear of the zoom buttons and the layer control in the top corners. */
const POPUP_OPTIONS: L.PopupOptions = {
  autoPanPaddingTopLeft: L.point(48, 16),
  autoPanPaddingBottomRight: L.point(16, 16),
  maxWidth: 320,
};

type LayerId = 'province' | 'districts' | 'typhoons' | 'stations';

const LAYER_LABELS: Record<LayerId, string> = {
  province: 'layer-province',
  districts: 'layer-districts',
  typhoons: 'layer-typhoons',
  stations: 'layer-stations',
};

export class MapView {
  private readonly map: L.Map;
  private readonly translator: Translator;
  private readonly callbacks: MapCallbacks;
  private readonly layers = new Map<LayerId, L.Layer>();
  private readonly hiddenLayers = new Set<LayerId>();
  private readonly legendContainer: HTMLElement;
  private layerControl: L.Control.Layers | null = null;
  private fitted = false;
  private pendingBounds: L.LatLngBounds | null = null;

  /** `legendContainer` receives the typhoon colour legend, outside the map so that it never covers a popup. */
  constructor(container: HTMLElement, legendContainer: HTMLElement, translator: Translator, callbacks: MapCallbacks) {
    this.translator = translator;
    this.callbacks = callbacks;
    this.legendContainer = legendContainer;
    this.map = L.map(container, {
      center: INITIAL_CENTER,
      zoom: INITIAL_ZOOM,
      zoomSnap: 0.25,
      attributionControl: false,
    });
    // Separate panes keep stations above tracks and tracks above boundaries,
    // whichever layer the user toggles last.
    this.createPane('hd-boundaries', 410);
    this.createPane('hd-typhoons', 420);
    this.createPane('hd-stations', 430);
    // Remember which overlays the user switched off, so a reload after a
    // language change does not bring them back.
    this.map.on('overlayadd', (event: L.LayersControlEvent) => {
      const id = this.layerIdOf(event.layer);
      if (id) {
        this.hiddenLayers.delete(id);
      }
    });
    this.map.on('overlayremove', (event: L.LayersControlEvent) => {
      const id = this.layerIdOf(event.layer);
      if (id) {
        this.hiddenLayers.add(id);
      }
    });
  }

  /** Replaces all layers with new data. The view fits the province only on the first call. */
  update(data: MapData): void {
    // The control must go first. While it is attached, removing a layer
    // fires `overlayremove`, which would record the layer as switched off.
    this.layerControl?.remove();
    this.layerControl = null;
    for (const layer of this.layers.values()) {
      layer.remove();
    }
    this.layers.clear();
    this.map.closePopup();

    const boundaries = data.boundaries?.features ?? [];
    const province = boundaries.filter((feature) => feature.properties?.level === 'province');
    const districts = boundaries.filter((feature) => feature.properties?.level === 'district');

    const provinceLayer = this.boundaryLayer(province, 'province');
    this.layers.set('province', provinceLayer);
    this.layers.set('districts', this.boundaryLayer(districts, 'district'));
    this.layers.set('typhoons', this.typhoonLayer(data.typhoons?.features ?? []));
    this.layers.set('stations', this.stationLayer(data.entities, data.series));

    for (const [id, layer] of this.layers) {
      if (!this.hiddenLayers.has(id)) {
        layer.addTo(this.map);
      }
    }
    this.renderControls();

    if (!this.fitted && province.length > 0) {
      const bounds = provinceLayer.getBounds();
      if (bounds.isValid()) {
        this.pendingBounds = bounds;
        this.fitPending();
      }
    }
  }

  /** Call after the map's container was shown again: Leaflet measures it, and fits the province if it could not yet. */
  refreshSize(): void {
    this.map.invalidateSize();
    this.fitPending();
  }

  private fitPending(): void {
    // A hidden container has no size, and fitting it would zoom out to the whole world.
    if (this.pendingBounds && this.map.getContainer().clientWidth > 0) {
      this.map.fitBounds(this.pendingBounds, { padding: [12, 12] });
      this.pendingBounds = null;
      this.fitted = true;
    }
  }

  /** Draws the layer control and legend in the current language. */
  private renderControls(): void {

    const overlays: Record<string, L.Layer> = {};
    for (const [id, layer] of this.layers) {
      overlays[this.translator.t(LAYER_LABELS[id])] = layer;
    }
    // An expanded control would cover most of a phone-sized map.
    const collapsed = this.map.getSize().x < 480;
    this.layerControl = L.control.layers(undefined, overlays, { collapsed, position: 'topright' });
    this.layerControl.addTo(this.map);

    this.renderLegend();
  }

  private createPane(name: string, zIndex: number): void {
    const pane = this.map.createPane(name);
    pane.style.zIndex = String(zIndex);
  }

  private layerIdOf(layer: L.Layer): LayerId | null {
    for (const [id, candidate] of this.layers) {
      if (candidate === layer) {
        return id;
      }
    }
    return null;
  }

  private boundaryLayer(
    features: Feature<Geometry, BoundaryProperties>[],
    level: 'province' | 'district',
  ): L.GeoJSON<BoundaryProperties> {
    const style: L.PathOptions =
      level === 'province'
        ? {
            pane: 'hd-boundaries',
            className: 'hd-boundary hd-boundary-province',
            color: '#0d3b66',
            weight: 2.5,
            fillColor: '#dfe9f3',
            fillOpacity: 0.55,
          }
        : {
            pane: 'hd-boundaries',
            className: 'hd-boundary hd-boundary-district',
            color: '#5c7a99',
            weight: 1,
            dashArray: '4 3',
            fillOpacity: 0,
          };
    return L.geoJSON<BoundaryProperties>({ type: 'FeatureCollection', features } as FeatureCollection, {
      style: () => style,
      onEachFeature: (feature, layer) => {
        layer.bindPopup(() => this.boundaryPopup(feature.properties, level), POPUP_OPTIONS);
      },
    });
  }

  private boundaryPopup(properties: BoundaryProperties, level: 'province' | 'district'): HTMLElement {
    const label = level === 'province' ? this.translator.t('boundary-province') : this.translator.t('boundary-district');
    return el('div', { className: 'popup' }, [
      el('strong', { text: properties.name }),
      el('div', { className: 'popup-detail', text: label }),
    ]);
  }

  private typhoonLayer(features: Feature<LineString | MultiLineString, TyphoonProperties>[]): L.GeoJSON {
    return L.geoJSON<TyphoonProperties>({ type: 'FeatureCollection', features } as FeatureCollection, {
      style: (feature) => ({ ...typhoonTrackStyle(feature?.properties?.max_grade), pane: 'hd-typhoons' }),
      onEachFeature: (feature, layer) => {
        layer.bindPopup(() => this.typhoonPopup(feature.properties), POPUP_OPTIONS);
      },
    });
  }

  private typhoonPopup(properties: TyphoonProperties): HTMLElement {
    const t = this.translator;
    const category = gradeCategory(properties.max_grade);
    const children: HTMLElement[] = [
      el('strong', { text: properties.name }),
      el('div', { className: 'popup-detail', text: t.t('typhoon-year', { year: String(properties.year) }) }),
      el('div', { className: 'popup-detail', text: t.t('typhoon-grade', { grade: t.t(`grade-${category}`) }) }),
    ];
    if (properties.start && properties.end) {
      const period = t.t('typhoon-period', { start: formatDate(properties.start), end: formatDate(properties.end) });
      children.push(el('div', { className: 'popup-detail', text: period }));
    }
    if (typeof properties.min_distance_km === 'number') {
      const distance = formatNumber(properties.min_distance_km, t.lang, 0);
      children.push(el('div', { className: 'popup-detail', text: t.t('typhoon-distance', { distance }) }));
    }
    return el('div', { className: 'popup' }, children);
  }

  private stationLayer(entities: Entity[], series: ReadonlyMap<string, Series>): L.LayerGroup {
    const group = L.layerGroup();
    for (const entity of entities) {
      if (!hasPosition(entity)) {
        continue;
      }
      const classes = ['hd-station'];
      if (entity.simulated) {
        classes.push('hd-station-simulated');
      }
      const marker = L.circleMarker([entity.lat, entity.lon], {
        pane: 'hd-stations',
        className: classes.join(' '),
        radius: 7,
        color: '#ffffff',
        weight: 2,
        fillColor: kindColor(entity.kind),
        fillOpacity: 0.95,
        dashArray: entity.simulated ? '3 2' : undefined,
      });
      marker.bindTooltip(entity.name, { direction: 'top', offset: [0, -6] });
      marker.bindPopup(() => this.stationPopup(entity, series), POPUP_OPTIONS);
      marker.on('add', () => {
        const element = marker.getElement();
        element?.setAttribute('data-entity', entity.key);
        element?.setAttribute('data-series-count', String(entity.series.length));
      });
      marker.on('click', () => {
        this.callbacks.onSelectEntity(entity, null);
      });
      group.addLayer(marker);
    }
    return group;
  }

  private stationPopup(entity: Entity, series: ReadonlyMap<string, Series>): HTMLElement {
    const t = this.translator;
    const children: HTMLElement[] = [
      el('strong', { text: entity.name }),
      el('div', { className: 'popup-detail', text: t.t('station-kind', { kind: entity.kind }) }),
    ];
    if (isHanoiReference(entity)) {
      children.push(el('div', { className: 'popup-flag popup-flag-reference', text: t.t('station-hanoi-reference') }));
    }
    if (entity.simulated) {
      children.push(el('div', { className: 'popup-flag popup-flag-simulated', text: t.t('simulated-data') }));
    }
    if (entity.note) {
      children.push(el('div', { className: 'popup-note', text: entity.note }));
    }

    const known = entity.series.map((key) => series.get(key)).filter((item): item is Series => item !== undefined);
    if (known.length === 0) {
      children.push(el('div', { className: 'popup-detail', text: t.t('station-no-series') }));
    } else {
      const list = el('ul', { className: 'popup-series' });
      for (const item of known) {
        const button = el('button', {
          className: 'link-button',
          text: item.unit ? `${item.name} (${item.unit})` : item.name,
          attrs: { type: 'button', 'data-series': item.key },
        });
        button.addEventListener('click', () => this.callbacks.onSelectEntity(entity, item.key));
        list.append(el('li', {}, [button]));
      }
      children.push(el('div', { className: 'popup-detail', text: t.t('station-series') }), list);
    }
    return el('div', { className: 'popup popup-station' }, children);
  }

  private renderLegend(): void {
    const t = this.translator;
    const items = GRADE_CATEGORIES.map((category) => {
      const swatch = el('span', { className: 'legend-swatch', attrs: { 'aria-hidden': 'true' } });
      swatch.style.backgroundColor = GRADE_COLORS[category];
      return el('li', {}, [swatch, t.t(`grade-${category}`)]);
    });
    this.legendContainer.replaceChildren(
      el('span', { className: 'legend-title', text: t.t('typhoon-legend') }),
      el('ul', {}, items),
    );
  }
}
