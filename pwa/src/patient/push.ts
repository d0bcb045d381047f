/**
 * Web Push for reminders: subscribe only after a tap (the permission prompt
 * must follow a user gesture, and iOS requires it), and re-sync the
 * subscription with the server on each launch so a rotated key or a lost
 * server row heals itself.
 */
import { ApiError } from '../shared/api';
import { pushSupported } from '../shared/platform';
import type { PushSubscriptionPayload } from '../shared/types';
import type { PatientApp } from './app';

/** VAPID keys travel as unpadded base64url; PushManager wants the raw bytes. */
export function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const padded = value.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(value.length / 4) * 4, '=');
  const binary = atob(padded);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function sameKey(subscription: PushSubscription, key: Uint8Array): boolean {
  const current = subscription.options.applicationServerKey;
  if (!current) return false;
  const bytes = new Uint8Array(current);
  return bytes.length === key.length && bytes.every((byte, i) => byte === key[i]);
}

function payloadOf(subscription: PushSubscription): PushSubscriptionPayload {
  const json = subscription.toJSON();
  return {
    endpoint: subscription.endpoint,
    keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' },
    expirationTime: subscription.expirationTime,
  };
}

async function registration(): Promise<ServiceWorkerRegistration | null> {
  if (!pushSupported()) return null;
  return (await navigator.serviceWorker.getRegistration('/')) ?? null;
}

export async function currentSubscription(): Promise<PushSubscription | null> {
  const reg = await registration();
  return reg ? reg.pushManager.getSubscription() : null;
}

/** Subscribes with the server's VAPID key (replacing a subscription made with an older key) and registers it. */
async function subscribeAndRegister(app: PatientApp, reg: ServiceWorkerRegistration): Promise<PushSubscription> {
  const key = base64UrlToBytes(await app.api.pushPublicKey());
  let subscription = await reg.pushManager.getSubscription();
  if (subscription && !sameKey(subscription, key)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  await app.api.addPushSubscription(payloadOf(subscription));
  return subscription;
}

/**
 * Must be called straight from a click handler: the permission request is
 * the first thing it awaits, so the browser still sees the tap.
 */
export async function enablePush(app: PatientApp): Promise<'granted' | 'denied' | 'default'> {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return permission;
  const reg = (await registration()) ?? (await navigator.serviceWorker.ready);
  await subscribeAndRegister(app, reg);
  return 'granted';
}

export async function disablePush(app: PatientApp): Promise<void> {
  const subscription = await currentSubscription();
  if (!subscription) return;
  try {
    await app.api.removePushSubscription(subscription.endpoint);
  } catch (error) {
    if (!(error instanceof ApiError && error.isNotFound)) throw error;
  }
  await subscription.unsubscribe();
}

/** On each launch: if this device receives reminders, make sure the server has its current subscription. */
export async function resyncPush(app: PatientApp): Promise<void> {
  if (!app.session.signedIn() || !pushSupported() || Notification.permission !== 'granted') return;
  try {
    const reg = await registration();
    if (!reg) return;
    const existing = await reg.pushManager.getSubscription();
    if (!existing) {
      // Subscribed once and lost it (browser data cleared, subscription expired): renew if reminders are on.
      const settings = await app.api.reminderSettings().catch(() => null);
      if (!settings?.enabled) return;
    }
    await subscribeAndRegister(app, reg);
  } catch (error) {
    console.warn('Push subscription re-sync failed; it will be retried at next launch', error);
  }
}
