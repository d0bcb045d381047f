/** The page's "Update" button posts SKIP_WAITING; only then does the waiting worker take over. */
export function handleMessage(scope: ServiceWorkerGlobalScope, event: ExtendableMessageEvent): void {
  const data = event.data as { type?: unknown } | null;
  if (data && data.type === 'SKIP_WAITING') void scope.skipWaiting();
}
