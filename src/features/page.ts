/**
 * Page lifecycle, opt-in: a stream in a browser page follows what the browser does to its
 * connections. Import it only where a page needs it:
 * `connect(url, { use: [pageLifecycle({ pauseWhenHidden: true })] })`.
 *
 * @module
 */
import type { StreamFeature } from '../core/types.js';

/** Options of {@link pageLifecycle}. */
export interface PageLifecycleOptions {
  /**
   * Close the connection while the page is hidden (a background tab) and reconnect with
   * `Last-Event-ID` when it is visible again, so hidden tabs hold no connection. GET streams
   * only: a POST is never paused (closing it would lose the work it started).
   * @defaultValue false
   */
  pauseWhenHidden?: boolean | undefined;
}

/** The page's window and document, when this runs in one. */
interface Page {
  window: EventTarget;
  document: EventTarget & { visibilityState?: string };
}

/**
 * Page lifecycle handling for a stream, to pass in its `use` option. In a page it makes the
 * stream reconnect at once (instead of after the backoff) when the browser comes back
 * `online`, and when the page is restored from the back/forward cache (`pageshow` with
 * `persisted`: the old connection is dead); with `pauseWhenHidden`, it closes the connection
 * while the page is hidden and resumes with `Last-Event-ID` when it is visible. Each such
 * reconnect is reported with `delaySource` `'page'`. Outside a page (a worker, Node, Deno, Bun)
 * and on a stream with `reconnect: false` it does nothing. The listeners go with the stream.
 *
 * The page may be a simulated one of another realm (jsdom installed by hand on `globalThis`):
 * the listeners are removed by hand when the stream ends rather than given this realm's
 * `AbortSignal`, which such a page's EventTarget rejects. A page that throws anyway (a stub, a
 * getter that throws) gets no page handling, and the stream runs as it would outside a page.
 *
 * @example
 * ```ts
 * import { connect, pageLifecycle } from 'runstream';
 *
 * const stream = connect('/events', { use: [pageLifecycle({ pauseWhenHidden: true })] });
 * ```
 */
export function pageLifecycle(options: PageLifecycleOptions = {}): StreamFeature {
  return (control) => ({
    start() {
      if (!control.config.reconnect) return;
      const off: (() => void)[] = [];
      const unwatch = () => {
        try {
          for (const remove of off.splice(0)) remove();
        } catch {
          // A listener left behind only wakes a stream that has ended, which does nothing.
        }
      };
      try {
        const page = pageOf();
        if (!page) return;
        const listen = (target: EventTarget, type: string, listener: (event: Event) => void) => {
          target.addEventListener(type, listener);
          off.push(() => target.removeEventListener(type, listener));
        };
        listen(page.window, 'online', () => control.wake());
        listen(page.window, 'pageshow', (event) => {
          if ((event as Event & { persisted?: boolean }).persisted) control.interrupt();
        });
        if (options.pauseWhenHidden && control.request.method === 'GET') {
          const visibility = () => control.interrupt(page.document.visibilityState === 'hidden');
          listen(page.document, 'visibilitychange', visibility);
          visibility();
        }
        control.signal.addEventListener('abort', unwatch);
      } catch {
        // Nothing is half-watched: `visibility()` holds the stream only once it read the state.
        unwatch();
        control.interrupt(false);
      }
    },
  });
}

/**
 * The page this runs in: a window with a document (not a worker, not Node, Deno or Bun), a
 * simulated one included (happy-dom, jsdom, installed by a test environment or by hand).
 */
function pageOf(): Page | undefined {
  const { window, document } = globalThis as { window?: unknown; document?: unknown };
  const isTarget = (value: unknown): value is EventTarget => typeof (value as EventTarget | undefined)?.addEventListener === 'function';
  return isTarget(window) && isTarget(document) ? { window, document } : undefined;
}
