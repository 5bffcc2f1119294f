/**
 * Several published workflows on one number. A provider calls one URL per number (or sender,
 * service, WABA, app), so one trigger node, the holder, has the provider's webhook; every other
 * trigger on the same registration is a listener, kept in the conversation store, and the holder
 * sends each delivery it verified on to them, signed so that they check it like the provider's
 * own. When the holder is unpublished, the registration moves to the oldest listener; when the
 * last one goes, it is removed. See the README, "Several workflows on one number".
 */
import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { conversationStore } from '../helpers/conversationStore';
import { postToN8n } from '../helpers/ownN8n';
import type { WebhookMode, WebhookRequest, WhatsAppProvider } from '../providers/types';
import type { ConversationStore, Listener } from '../store/types';

/** Marks a delivery one trigger sent on to another: it is never sent on again. */
export const FORWARDED_HEADER = 'x-whatsapp-omni-forwarded';

/** How long a webhook process trusts the list of listeners it read (one read per burst, not per delivery). */
const LISTENERS_FRESH_MS = 2_000;

type Context = IHookFunctions | IWebhookFunctions;

/**
 * What the provider's webhook is set on, as one string: the provider, the registration mode and
 * the credential's number, sender, service, WABA or app. Undefined for Manual registration (the
 * person set the URL) or when the credential lacks the ID.
 */
export function registrationTarget(provider: WhatsAppProvider, mode: WebhookMode): string | undefined {
	if (mode === 'manual') return undefined;
	const resource = provider.webhookResource(mode);
	return resource ? `${provider.name}:${mode}:${resource}` : undefined;
}

export function listenerId(this: Context): { workflowId: string; nodeId: string } {
	return { workflowId: String(this.getWorkflow().id ?? ''), nodeId: this.getNode().id ?? '' };
}

export const isListener = (listener: Listener, id: { workflowId: string; nodeId: string }) =>
	listener.workflowId === id.workflowId && listener.nodeId === id.nodeId;

/** The store, or undefined when it cannot be opened (then each trigger stands alone, as before). */
export async function listenerStore(): Promise<ConversationStore | undefined> {
	try {
		return await conversationStore();
	} catch {
		return undefined;
	}
}

const known = new Map<string, { at: number; listeners: Promise<Listener[]> }>();

/** The target's listeners as this process saw them at most 2 s ago. */
async function listenersOf(store: ConversationStore, target: string): Promise<Listener[]> {
	const now = Date.now();
	let entry = known.get(target);
	if (!entry || now - entry.at > LISTENERS_FRESH_MS) {
		entry = { at: now, listeners: store.listListeners(target) };
		known.set(target, entry);
		entry.listeners.catch(() => known.delete(target));
	}
	return await entry.listeners;
}

/** Tests and hand-overs: read the store again next time. */
export function forgetListeners(): void {
	known.clear();
}

const warned = new Map<string, number>();

/** Logs a reason at most once a minute per trigger node, however many deliveries hit it. */
export function warnOnce(this: Context, key: string, message: string): void {
	const now = Date.now();
	const id = `${this.getWorkflow().id ?? ''}:${this.getNode().id}:${key}`;
	if ((warned.get(id) ?? 0) > now - 60_000) return;
	warned.set(id, now);
	if (warned.size > 1000) warned.clear();
	this.logger.warn(message);
}

/**
 * Sends a verified delivery on to the other listeners of this trigger's target, when this trigger
 * holds the registration. A listener whose URL n8n does not know any more (404: deleted while
 * n8n was down) is dropped from the list; one that cannot be reached is logged, once a minute.
 */
export async function forwardDelivery(this: IWebhookFunctions, provider: WhatsAppProvider, request: WebhookRequest, target: string | undefined): Promise<void> {
	if (!target || request.headers[FORWARDED_HEADER] !== undefined) return;
	const store = await listenerStore();
	if (!store) return;
	const self = listenerId.call(this);
	let listeners: Listener[];
	try {
		listeners = await listenersOf(store, target);
	} catch {
		return;
	}
	if (!listeners.some((listener) => listener.holder && isListener(listener, self))) return;
	const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
	await Promise.all(
		listeners
			.filter((listener) => !isListener(listener, self))
			.map(async (listener) => {
				const url = `${listener.url}${query}`;
				const answer = await postToN8n(url, request.rawBody, { ...provider.forwardHeaders(request, url), [FORWARDED_HEADER]: self.workflowId });
				const outcome = 'networkError' in answer ? answer.networkError : answer.status;
				if (outcome === 404) {
					await store.removeListener(target, listener.workflowId, listener.nodeId).catch(() => undefined);
					forgetListeners();
				} else if (typeof outcome !== 'number' || outcome >= 300) {
					warnOnce.call(this, `forward ${listener.workflowId}`, `WhatsApp Omni Trigger: could not pass a delivery on to workflow ${listener.workflowId} (${String(outcome)})`);
				}
			}),
	);
}


