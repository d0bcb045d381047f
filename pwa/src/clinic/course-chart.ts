/**
 * The course of one patient (uPlot, loaded lazily): one panel per daily scale
 * (daily score and 7-day mean, labelled with its direction), then PHQ-9 and
 * GAD-7 totals over their shaded severity bands. Every panel shares the time
 * axis and the cursor, and marks each treatment session; hovering a marker, or
 * focusing the session in the table beside the chart (`highlight`), shows the
 * session's dose, blood pressure and dissociation.
 *
 * Colours come from CSS custom properties (dark mode, print). uPlot sizes its
 * canvases through the CSSOM, which the CSP allows.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { dayToEpochSeconds } from '../shared/dates';
import { h } from '../shared/dom';
import type { InstrumentBand, TrendQuestionnaire, TrendScale } from '../shared/types';
import { DIRECTION_TEXT, score } from './format';

export interface ChartSession {
  id: number | string;
  local_date: string;
  /** One line per fact (when, dose, blood pressure, dissociation), for the tooltip. */
  lines: string[];
}

export interface CourseChartData {
  from: string;
  to: string;
  scales: TrendScale[];
  sessions: ChartSession[];
  questionnaires: TrendQuestionnaire[];
  bands: Partial<Record<'phq9' | 'gad7', InstrumentBand[]>>;
}

export interface CourseChartOptions {
  /** Called when the pointer comes near a session marker (null when it leaves). */
  onSessionHover?: (id: number | string | null) => void;
}

export interface CourseChart {
  element: HTMLElement;
  /** Emphasises one session's marker and shows its details (null hides them). */
  highlight(id: number | string | null): void;
  destroy(): void;
}

const DAY = 86_400;
const PANEL_HEIGHT = 140;
const QUESTIONNAIRE_HEIGHT = 170;
const INSTRUMENTS = [
  { code: 'phq9' as const, label: 'PHQ-9', max: 27, colour: '--chart-phq9' },
  { code: 'gad7' as const, label: 'GAD-7', max: 21, colour: '--chart-gad7' },
];

function css(element: Element, name: string, fallback: string): string {
  return getComputedStyle(element).getPropertyValue(name).trim() || fallback;
}

/** Every calendar day from `from` to `to` (inclusive), as epoch seconds at UTC midnight. */
export function dayAxis(from: string, to: string): number[] {
  const start = dayToEpochSeconds(from);
  const end = dayToEpochSeconds(to);
  const xs: number[] = [];
  for (let t = start; t <= end; t += DAY) xs.push(t);
  return xs;
}

export function createCourseChart(host: HTMLElement, data: CourseChartData, options: CourseChartOptions = {}): CourseChart {
  const started = performance.now();
  const xs = dayAxis(data.from, data.to);
  const index = new Map<number, number>(xs.map((x, i) => [x, i]));
  const sessionXs = data.sessions.map((session) => ({ session, x: dayToEpochSeconds(session.local_date) }));
  const element = h('div', { class: 'course-chart' });
  const tooltip = h('div', { class: 'chart-tooltip', 'aria-hidden': 'true', hidden: true });
  element.append(tooltip);
  host.append(element);

  const colours = {
    value: css(host, '--chart-value', '#0d5c63'),
    mean: css(host, '--chart-mean', '#9a4400'),
    session: css(host, '--chart-session', '#5b3fa0'),
    sessionActive: css(host, '--chart-session-active', '#c2185b'),
    grid: css(host, '--chart-grid', '#d5dde1'),
    text: css(host, '--text', '#1b1f23'),
    bands: [1, 2, 3, 4, 5].map((n) => css(host, `--band-${n}`, ['#eef6ee', '#f8f5dc', '#fbe9d2', '#f8d9cf', '#f2c4c4'][n - 1] ?? '#eee')),
  };
  let active: number | string | null = null;
  const sync = uPlot.sync(`course-${Math.random().toString(36).slice(2)}`);
  const plots: uPlot[] = [];

  const axis = (extra: Partial<uPlot.Axis> = {}): uPlot.Axis => ({
    stroke: colours.text,
    grid: { stroke: colours.grid, width: 1 },
    ticks: { stroke: colours.grid, width: 1 },
    ...extra,
  });

  function markers(): uPlot.Plugin {
    return {
      hooks: {
        draw: [
          (u) => {
            const { ctx } = u;
            const { top, height, left, width } = u.bbox;
            const ratio = window.devicePixelRatio || 1;
            ctx.save();
            for (const { session, x } of sessionXs) {
              const px = Math.round(u.valToPos(x, 'x', true));
              if (px < left || px > left + width) continue;
              const isActive = active !== null && String(active) === String(session.id);
              ctx.strokeStyle = isActive ? colours.sessionActive : colours.session;
              ctx.fillStyle = ctx.strokeStyle;
              ctx.lineWidth = (isActive ? 3 : 1.5) * ratio;
              ctx.setLineDash(isActive ? [] : [4 * ratio, 3 * ratio]);
              ctx.beginPath();
              ctx.moveTo(px, top);
              ctx.lineTo(px, top + height);
              ctx.stroke();
              const size = (isActive ? 7 : 5) * ratio;
              ctx.beginPath();
              ctx.moveTo(px - size, top);
              ctx.lineTo(px + size, top);
              ctx.lineTo(px, top + size * 1.6);
              ctx.closePath();
              ctx.fill();
            }
            ctx.restore();
          },
        ],
        setCursor: [
          (u) => {
            const left = u.cursor.left ?? -1;
            if (left < 0) {
              if (hovered !== null) setHover(null, u);
              return;
            }
            let nearest: (typeof sessionXs)[number] | null = null;
            let best = 8;
            for (const item of sessionXs) {
              const distance = Math.abs(u.valToPos(item.x, 'x') - left);
              if (distance <= best) {
                best = distance;
                nearest = item;
              }
            }
            setHover(nearest ? nearest.session.id : null, u);
          },
        ],
      },
    };
  }

  let hovered: number | string | null = null;
  function setHover(id: number | string | null, u: uPlot): void {
    if (id === hovered) return;
    hovered = id;
    options.onSessionHover?.(id);
    show(id, u);
  }

  function show(id: number | string | null, u?: uPlot): void {
    const found = id === null ? null : sessionXs.find((item) => String(item.session.id) === String(id));
    const plot = u ?? plots[0];
    if (!found || !plot) {
      tooltip.hidden = true;
      return;
    }
    tooltip.replaceChildren(...found.session.lines.map((line, i) => (i === 0 ? h('strong', null, line) : h('span', null, line))));
    tooltip.hidden = false;
    const wrap = plot.root;
    const px = plot.valToPos(found.x, 'x') + plot.over.offsetLeft + wrap.offsetLeft;
    const top = wrap.offsetTop + plot.over.offsetTop;
    const width = tooltip.offsetWidth || 200;
    const maxLeft = element.clientWidth - width - 4;
    tooltip.style.left = `${Math.max(4, Math.min(maxLeft, px + 10))}px`;
    tooltip.style.top = `${top + 4}px`;
  }

  const width = () => Math.max(280, Math.floor(element.clientWidth || host.clientWidth || 600));
  const common = (height: number): Omit<uPlot.Options, 'series'> => ({
    width: width(),
    height,
    legend: { show: false },
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    cursor: { sync: { key: sync.key }, drag: { x: false, y: false }, points: { show: false } },
    plugins: [markers()],
  });

  function panel(title: string, hint: string, node: HTMLElement): HTMLElement {
    const section = h('div', { class: 'chart-panel' }, h('h3', { class: 'chart-panel-title' }, title, ' ', h('span', { class: 'chart-panel-hint' }, hint)), node);
    element.append(section);
    return section;
  }

  for (const scale of data.scales) {
    const values: (number | null)[] = new Array(xs.length).fill(null);
    const means: (number | null)[] = new Array(xs.length).fill(null);
    for (const point of scale.points) {
      const i = index.get(dayToEpochSeconds(point.local_date));
      if (i === undefined) continue;
      values[i] = point.value;
      means[i] = point.mean_7d;
    }
    const latestMean = [...scale.points].reverse().find((p) => p.mean_7d !== null)?.mean_7d ?? null;
    const latest = [...scale.points].reverse().find((p) => p.value !== null);
    const canvasHost = h('div', {
      class: 'chart-canvas',
      role: 'img',
      'aria-label': `${scale.label}, ${DIRECTION_TEXT[scale.direction]}: latest ${latest ? score(latest.value) : 'none'}, 7-day mean ${score(latestMean)}, ${data.sessions.length} treatment sessions marked.`,
    });
    panel(scale.label, `(0–10, ${DIRECTION_TEXT[scale.direction]})`, canvasHost);
    plots.push(
      new uPlot(
        {
          ...common(PANEL_HEIGHT),
          scales: { x: { time: true, range: [xs[0] ?? 0, xs.at(-1) ?? 0] }, y: { range: [0, 10] } },
          axes: [axis(), axis({ size: 36, splits: () => [0, 2, 4, 6, 8, 10] })],
          series: [
            {},
            { label: `${scale.label} daily`, stroke: colours.value, width: 1, points: { show: xs.length <= 200, size: 4, fill: colours.value }, spanGaps: false },
            { label: `${scale.label} 7-day mean`, stroke: colours.mean, width: 2.5, points: { show: false }, spanGaps: true },
          ],
        },
        [xs, values, means],
        canvasHost,
      ),
    );
  }

  for (const instrument of INSTRUMENTS) {
    const totals: (number | null)[] = new Array(xs.length).fill(null);
    let count = 0;
    let last: TrendQuestionnaire | null = null;
    for (const q of data.questionnaires) {
      if (q.instrument !== instrument.code) continue;
      const i = index.get(dayToEpochSeconds(q.local_date));
      if (i === undefined) continue;
      totals[i] = q.total;
      count += 1;
      if (!last || q.local_date >= last.local_date) last = q;
    }
    const bands = data.bands[instrument.code] ?? [];
    const colour = css(host, instrument.colour, instrument.code === 'phq9' ? '#1d3f8f' : '#6b2d7a');
    const canvasHost = h('div', {
      class: 'chart-canvas',
      role: 'img',
      'aria-label': `${instrument.label} totals (higher is worse): ${count} in this period${last ? `, latest ${last.total} (${last.severity.replace(/_/g, ' ')})` : ''}.`,
    });
    panel(`${instrument.label} total`, `(0–${instrument.max}, higher is worse; shaded by severity band)`, canvasHost);
    const bandPlugin: uPlot.Plugin = {
      hooks: {
        drawClear: [
          (u) => {
            const { ctx } = u;
            const { left, width } = u.bbox;
            const ratio = window.devicePixelRatio || 1;
            ctx.save();
            ctx.font = `${11 * ratio}px system-ui, sans-serif`;
            ctx.textAlign = 'right';
            ctx.textBaseline = 'middle';
            bands.forEach((band, i) => {
              const next = bands[i + 1];
              const low = band.min;
              const high = next ? next.min : instrument.max;
              const y1 = u.valToPos(high, 'y', true);
              const y0 = u.valToPos(low, 'y', true);
              ctx.fillStyle = colours.bands[Math.min(i, colours.bands.length - 1)] ?? '#eee';
              ctx.fillRect(left, y1, width, y0 - y1);
              // A label only where the band is tall enough to hold it.
              if (y0 - y1 >= 12 * ratio) {
                ctx.fillStyle = colours.text;
                ctx.fillText(band.label, left + width - 4 * ratio, (y0 + y1) / 2);
              }
            });
            ctx.restore();
          },
        ],
      },
    };
    const splits = [0, ...bands.slice(1).map((b) => b.min), instrument.max];
    plots.push(
      new uPlot(
        {
          ...common(QUESTIONNAIRE_HEIGHT),
          plugins: [bandPlugin, markers()],
          scales: { x: { time: true, range: [xs[0] ?? 0, xs.at(-1) ?? 0] }, y: { range: [0, instrument.max] } },
          axes: [axis(), axis({ size: 36, splits: () => splits, grid: { show: false } })],
          series: [{}, { label: `${instrument.label} total`, stroke: colour, width: 2, spanGaps: true, points: { show: true, size: 7, fill: colour } }],
        },
        [xs, totals],
        canvasHost,
      ),
    );
  }

  const observer = new ResizeObserver(() => {
    const w = width();
    for (const plot of plots) if (plot.width !== w) plot.setSize({ width: w, height: plot.height });
  });
  observer.observe(element);
  performance.measure('clinic:chart', { start: started, end: performance.now() });

  return {
    element,
    highlight(id) {
      active = id;
      for (const plot of plots) plot.redraw(false);
      show(id);
    },
    destroy() {
      observer.disconnect();
      for (const plot of plots) plot.destroy();
      element.remove();
    },
  };
}
