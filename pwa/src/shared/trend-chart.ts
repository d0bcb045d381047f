/**
 * One daily scale over time with its 7-day mean and the treatment sessions
 * as vertical markers (uPlot). Loaded lazily: it is the biggest dependency.
 * Colours come from CSS custom properties so dark mode and the clinic theme
 * apply; uPlot sizes its canvas through the CSSOM, which the CSP allows.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { dayToEpochSeconds, formatDate } from './dates';
import { h } from './dom';
import type { TrendScale, TrendSession } from './types';

export interface TrendChartOptions {
  scale: TrendScale;
  sessions: readonly TrendSession[];
  height?: number;
}

export interface TrendChart {
  element: HTMLElement;
  destroy(): void;
}

function cssColour(element: Element, name: string, fallback: string): string {
  const value = getComputedStyle(element).getPropertyValue(name).trim();
  return value || fallback;
}

function sessionMarkers(sessions: readonly TrendSession[], colour: string): uPlot.Plugin {
  return {
    hooks: {
      draw: [
        (u) => {
          const { ctx } = u;
          const { top, height } = u.bbox;
          const ratio = window.devicePixelRatio || 1;
          ctx.save();
          ctx.strokeStyle = colour;
          ctx.fillStyle = colour;
          ctx.lineWidth = 2 * ratio;
          ctx.setLineDash([4 * ratio, 3 * ratio]);
          for (const session of sessions) {
            const x = Math.round(u.valToPos(dayToEpochSeconds(session.local_date), 'x', true));
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
            ctx.beginPath();
            ctx.moveTo(x, top);
            ctx.lineTo(x, top + height);
            ctx.stroke();
            ctx.beginPath();
            const size = 5 * ratio;
            ctx.moveTo(x - size, top);
            ctx.lineTo(x + size, top);
            ctx.lineTo(x, top + size * 1.6);
            ctx.closePath();
            ctx.fill();
          }
          ctx.restore();
        },
      ],
    },
  };
}

export function createTrendChart(container: HTMLElement, options: TrendChartOptions): TrendChart {
  const { scale, sessions } = options;
  const xs = scale.points.map((point) => dayToEpochSeconds(point.local_date));
  const values = scale.points.map((point) => point.value);
  const means = scale.points.map((point) => point.mean_7d);
  const canvasHost = h('div', { class: 'trend-canvas' });
  container.append(canvasHost);

  const valueColour = cssColour(container, '--chart-value', '#0d5c63');
  const meanColour = cssColour(container, '--chart-mean', '#8a3b00');
  const sessionColour = cssColour(container, '--chart-session', '#5b3fa0');
  const gridColour = cssColour(container, '--chart-grid', '#d9dee2');
  const textColour = cssColour(container, '--text', '#1b1f23');

  const width = () => Math.max(240, Math.floor(container.clientWidth || 320));
  const axis = (extra: Partial<uPlot.Axis> = {}): uPlot.Axis => ({
    stroke: textColour,
    grid: { stroke: gridColour, width: 1 },
    ticks: { stroke: gridColour, width: 1 },
    ...extra,
  });

  const plot = new uPlot(
    {
      width: width(),
      height: options.height ?? 180,
      legend: { show: false },
      cursor: { show: true, drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: [0, 10] } },
      axes: [
        axis({ values: (_u, ticks) => ticks.map((tick) => formatDate(new Date(tick * 1000).toISOString().slice(0, 10), { weekday: undefined })) }),
        axis({ size: 32, splits: () => [0, 2, 4, 6, 8, 10] }),
      ],
      series: [
        {},
        {
          label: `${scale.label} (daily)`,
          stroke: valueColour,
          width: 1,
          points: { show: true, size: 6, fill: valueColour },
          spanGaps: false,
        },
        { label: '7-day mean', stroke: meanColour, width: 3, points: { show: false }, spanGaps: true },
      ],
      plugins: [sessionMarkers(sessions, sessionColour)],
    },
    [xs, values, means],
    canvasHost,
  );

  const observer = new ResizeObserver(() => plot.setSize({ width: width(), height: options.height ?? 180 }));
  observer.observe(container);
  return {
    element: canvasHost,
    destroy() {
      observer.disconnect();
      plot.destroy();
    },
  };
}
