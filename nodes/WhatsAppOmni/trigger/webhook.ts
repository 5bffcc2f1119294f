import type { IBinaryKeyData, IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import type { UnifiedEvent } from '../providers/events';
import type { WebhookRequest, WhatsAppProvider } from '../providers/types';
import { WebhookFormatError } from '../providers/WebhookFormatError';
import { handAnswers } from './answers';
import { eventScope } from '../helpers/conversationStore';
import { countDelivery, NOT_A_WEBHOOK, rejected, SIGNATURE_MISMATCH, UNKNOWN_NUMBER } from './deliveries';
import { wanted, type EventFilter } from './filters';
import { handleHandshake } from './handshake';
import { FORWARDED_HEADER, forwardDelivery, registrationTarget } from './listeners';
import { providerName, registrationMode, webhookProvider } from './provider';
import { storeEvents, type StoredEvent } from './record';

interface TriggerOptions {
	downloadMedia?: boolean;
	binaryPropertyName?: string;
	ignoreDuplicates?: boolean;
	recordInStore?: boolean;
	handAnswers?: boolean;
}

/** Answers the provider the way it expects (Meta: any 200; Twilio: empty TwiML). */
function acknowledge(this: IWebhookFunctions, provider: WhatsAppProvider) {
	const { contentType, body } = provider.webhookAcknowledgement;
	this.getResponseObject().status(200).type(contentType).send(body);
}

function refuse(this: IWebhookFunctions, status: number, text: string): IWebhookResponseData {
	this.getResponseObject().status(status).type('text/plain').send(text);
	return { noWebhookResponse: true };
}

/** The URL the provider called, as it saw it: n8n's public webhook URL plus the query string. */
function publicUrl(this: IWebhookFunctions): string {
	const base = this.getNodeWebhookUrl('default') as string;
	const requestUrl = this.getRequestObject().url ?? '';
	const query = requestUrl.includes('?') ? requestUrl.slice(requestUrl.indexOf('?')) : '';
	return `${base}${query}`;
}

/** The event as an item; a store warning goes with it. */
function eventItem({ event, storeWarning }: StoredEvent): INodeExecutionData {
	return { json: (storeWarning ? { ...event, storeWarning } : event) as unknown as IDataObject };
}

async function withMedia(
	this: IWebhookFunctions,
	provider: WhatsAppProvider,
	stored: StoredEvent,
	property: string,
): Promise<INodeExecutionData> {
	const { event } = stored;
	const media = event.message?.media;
	const item = eventItem(stored);
	if (!media || (!media.id && !media.url)) return item;
	try {
		const download = await provider.downloadMedia(media);
		const extension = (download.mimeType ?? media.mimeType ?? '').split('/')[1]?.split(';')[0];
		const fileName = media.filename ?? download.fileName ?? `${media.id ?? event.id}${extension ? `.${extension}` : ''}`;
		const binary = await this.helpers.prepareBinaryData(download.stream, fileName, download.mimeType ?? media.mimeType);
		item.binary = { [property]: binary } as IBinaryKeyData;
	} catch (error) {
		// The message matters more than its file: emit it, and say why the file is missing.
		item.json = { ...item.json, mediaDownloadError: (error as Error).message };
	}
	return item;
}

export async function handleWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	// Meta's GET verification handshake.
	if (this.getWebhookName() === 'setup') return await handleHandshake.call(this);
	// Each parameter is read once, and only when needed: a refused request reads no filters.
	const name = providerName.call(this);
	const first = await webhookProvider.call(this, name);
	let provider = first.provider;
	const request = this.getRequestObject();
	const body = this.getBodyData();
	// n8n keeps the bytes it parsed; serialising the body again is only a fallback. The URL is
	// worked out only for a provider that signs it (Twilio), or for a forward.
	const rawBody: Buffer = (request as unknown as { rawBody?: Buffer }).rawBody ?? Buffer.from(JSON.stringify(body));
	let url: string | undefined;
	const signedUrl = () => (url ??= publicUrl.call(this));
	const delivery: WebhookRequest = {
		get url() {
			return signedUrl();
		},
		headers: request.headers,
		rawBody,
		body,
	};

	if (this.getNodeParameter('verifySignature', true) as boolean) {
		let signed = provider.verifySignature(delivery);
		if (!signed && first.reused) {
			// Built from the credential as it was a moment ago: check again with the one n8n has now
			// (a new App Secret or Auth Token applies at once).
			provider = (await webhookProvider.call(this, name, { fresh: true })).provider;
			signed = provider.verifySignature(delivery);
		}
		if (!signed) {
			const answer = refuse.call(this, 401, 'Unauthorized');
			await rejected.call(this, provider, SIGNATURE_MISMATCH);
			return answer;
		}
	}

	let events: UnifiedEvent[];
	try {
		events = provider.parseWebhook({ body });
	} catch (error) {
		if (!(error instanceof WebhookFormatError)) throw error;
		const answer = refuse.call(this, 400, `Bad Request: ${error.reason}`);
		await rejected.call(this, provider, NOT_A_WEBHOOK);
		return answer;
	}

	const filter: EventFilter = {
		events: this.getNodeParameter('events', []) as string[],
		messageTypes: this.getNodeParameter('messageTypes', []) as string[],
		statusValues: this.getNodeParameter('statusValues', []) as string[],
	};
	const options = this.getNodeParameter('options', {}) as TriggerOptions;

	// Answer first: providers want a quick 200 and retry slow ones, which would duplicate events.
	// The store and the other workflows on the number come after, so they never slow the answer down.
	acknowledge.call(this, provider);
	const forwarded = delivery.headers[FORWARDED_HEADER] !== undefined;
	const mode = registrationMode.call(this, name);
	const passedOn = forwardDelivery.call(this, provider, delivery, registrationTarget(provider, mode)).catch(() => undefined);
	// Registered on one number (or sender), the URL gets only that number's events: another
	// number's mean its webhook was pointed here by mistake. They are not this workflow's; Check
	// Setup reports them. (WABA, app and service registrations serve several numbers.)
	const own = mode === 'phoneNumber' || mode === 'sender' ? provider.businessKey : undefined;
	const foreign = own ? events.filter((event) => { const scope = eventScope(event); return scope !== undefined && scope.business !== own; }) : [];
	if (foreign.length > 0) events = events.filter((event) => !foreign.includes(event));
	// Counted once, where the provider delivered (Check Setup's "last delivery").
	const counted = forwarded ? undefined : foreign.length > 0 ? rejected.call(this, provider, UNKNOWN_NUMBER) : countDelivery(provider);
	const stored = await storeEvents(events, (event) => wanted(event, filter), {
		record: options.recordInStore !== false,
		ignoreDuplicates: options.ignoreDuplicates !== false,
		// Duplicates per trigger node of a workflow: two workflows on one number both get each event.
		namespace: `${this.getWorkflow().id ?? ''}:${this.getNode().id}`,
	});
	// Every message is looked at, whatever this trigger's filters and duplicates: an answer to a
	// question is the waiting execution's (the hand-over is claimed once per message in the store).
	let selected = stored;
	if (options.handAnswers !== false) {
		const kept = new Set((await handAnswers(events.map((event) => ({ event })), provider)).map(({ event }) => event));
		selected = stored.filter(({ event }) => kept.has(event));
	}
	await Promise.all([passedOn, counted]);
	if (selected.length === 0) return { noWebhookResponse: true };

	const property = options.binaryPropertyName || 'data';
	const items = options.downloadMedia
		? await Promise.all(selected.map((stored) => withMedia.call(this, provider, stored, property)))
		: selected.map(eventItem);
	return { noWebhookResponse: true, workflowData: [items] };
}
