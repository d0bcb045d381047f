/**
 * A QR code as an inline SVG built with DOM calls (qrcode-generator makes the
 * matrix; no markup strings, no inline script or style: CSP-safe). Loaded
 * lazily with the invitation screen.
 */
import qrcode from 'qrcode-generator';

const SVG = 'http://www.w3.org/2000/svg';

export function qrSvg(text: string, label: string, quiet = 4): SVGSVGElement {
  const code = qrcode(0, 'M');
  code.addData(text);
  code.make();
  const count = code.getModuleCount();
  const size = count + quiet * 2;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('class', 'qr');
  svg.setAttribute('shape-rendering', 'crispEdges');
  const background = document.createElementNS(SVG, 'rect');
  background.setAttribute('width', String(size));
  background.setAttribute('height', String(size));
  background.setAttribute('fill', '#ffffff');
  svg.append(background);
  // One path for all dark modules: a run of dark cells in a row is one rectangle.
  let d = '';
  for (let row = 0; row < count; row += 1) {
    let col = 0;
    while (col < count) {
      if (!code.isDark(row, col)) {
        col += 1;
        continue;
      }
      const start = col;
      while (col < count && code.isDark(row, col)) col += 1;
      d += `M${start + quiet} ${row + quiet}h${col - start}v1h${start - col}z`;
    }
  }
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill', '#000000');
  svg.append(path);
  return svg;
}
