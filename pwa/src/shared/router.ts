/**
 * A small History API router shared by both apps. Each route renders into the
 * page's <main>; after a navigation the page's <h1> takes focus so screen
 * readers hear where they are.
 */
import { focusTarget, h, message, replaceChildren } from './dom';

export interface RouteContext {
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Aborted when the patient navigates elsewhere before the page finished loading. */
  signal: AbortSignal;
}

export interface Route {
  /** Full path, with `:name` segments for parameters ("/clinic/patients/:id"). */
  path: string;
  title: string;
  /** Where to send the visitor instead, or null to render. */
  guard?: (ctx: RouteContext) => string | null | Promise<string | null>;
  render: (ctx: RouteContext) => Node | Promise<Node>;
}

export interface RouterOptions {
  appName: string;
  outlet: HTMLElement;
  routes: Route[];
  notFound: Route;
  /** Called after each render with the path shown (navigation highlighting). */
  onRendered?: (path: string) => void;
}

export interface NavigateOptions {
  replace?: boolean;
}

function normalise(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
}

function match(pattern: string, path: string): Record<string, string> | null {
  const want = normalise(pattern).split('/');
  const got = normalise(path).split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [index, segment] of want.entries()) {
    const actual = got[index] ?? '';
    if (segment.startsWith(':')) {
      if (!actual) return null;
      params[segment.slice(1)] = decodeURIComponent(actual);
    } else if (segment !== actual) {
      return null;
    }
  }
  return params;
}

export function createRouter(options: RouterOptions) {
  const { outlet, routes, notFound } = options;
  let current: AbortController | null = null;
  let rendered = 0;

  function find(path: string): { route: Route; params: Record<string, string> } {
    for (const route of routes) {
      const params = match(route.path, path);
      if (params) return { route, params };
    }
    return { route: notFound, params: {} };
  }

  function owns(url: URL): boolean {
    return url.origin === location.origin && find(url.pathname).route !== notFound;
  }

  async function render(): Promise<void> {
    current?.abort();
    const controller = new AbortController();
    current = controller;
    const path = normalise(location.pathname);
    const { route, params } = find(path);
    const ctx: RouteContext = {
      path,
      params,
      query: new URLSearchParams(location.search),
      signal: controller.signal,
    };
    const redirect = route.guard ? await route.guard(ctx) : null;
    if (controller.signal.aborted) return;
    if (redirect && redirect !== path) {
      navigate(redirect, { replace: true });
      return;
    }
    outlet.setAttribute('aria-busy', 'true');
    let node: Node;
    try {
      node = await route.render(ctx);
    } catch (error) {
      if (controller.signal.aborted) return;
      console.error(error);
      node = h(
        'section',
        null,
        h('h1', null, 'Something went wrong'),
        message('error', 'This screen could not be shown. Please reload the app and try again.'),
      );
    }
    if (controller.signal.aborted) return;
    outlet.removeAttribute('aria-busy');
    document.title = `${route.title} · ${options.appName}`;
    replaceChildren(outlet, node);
    options.onRendered?.(path);
    rendered += 1;
    if (rendered > 1) {
      window.scrollTo(0, 0);
      focusTarget(outlet.querySelector('h1'));
    }
  }

  function navigate(to: string, opts: NavigateOptions = {}): void {
    const url = new URL(to, location.href);
    if (url.origin !== location.origin || !owns(url)) {
      location.assign(url.href);
      return;
    }
    const target = `${url.pathname}${url.search}${url.hash}`;
    if (opts.replace) history.replaceState(null, '', target);
    else history.pushState(null, '', target);
    void render();
  }

  function onClick(event: MouseEvent): void {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest('a');
    if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
    const href = anchor.getAttribute('href');
    if (!href || href.startsWith('#') || /^(tel|sms|mailto):/i.test(href)) return;
    const url = new URL(anchor.href, location.href);
    if (!owns(url)) return;
    event.preventDefault();
    navigate(`${url.pathname}${url.search}${url.hash}`);
  }

  function start(): void {
    document.addEventListener('click', onClick);
    window.addEventListener('popstate', () => void render());
    void render();
  }

  return { start, navigate, refresh: render };
}

export type Router = ReturnType<typeof createRouter>;
