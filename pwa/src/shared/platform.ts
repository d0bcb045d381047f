/** What the device can do: install state, iOS quirks, push support. */

export function isStandalone(): boolean {
  const nav = navigator as Navigator & { standalone?: boolean };
  return window.matchMedia('(display-mode: standalone)').matches || nav.standalone === true;
}

/** iPhone and iPad, including iPadOS that reports itself as a Mac. */
export function isIos(): boolean {
  const ua = navigator.userAgent;
  return /iPad|iPhone|iPod/.test(ua) || (/Macintosh/.test(ua) && navigator.maxTouchPoints > 1);
}

export function pushSupported(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/** iOS delivers Web Push only to an app opened from the Home Screen (iOS 16.4+). */
export function needsHomeScreenForPush(): boolean {
  return isIos() && !isStandalone();
}
