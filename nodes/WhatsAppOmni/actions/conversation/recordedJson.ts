import type { IDataObject } from 'n8n-workflow';

import { deliveryStatus } from '../../providers/deliveryStatus';
import type { ProviderName } from '../../providers/types';
import type { StatusError, StoredMessage, StoredStatus } from '../../store/types';

/**
 * Store records as Get Status and Get Chat History output them: the fields Twilio's API path
 * gives (provider, messageId, direction, status, providerStatus, contact, text, error, dates),
 * plus what only the store has (the status history, every error, Meta's pricing). There is no
 * `raw`: the store keeps no provider payloads.
 */

function firstError(errors: StatusError[] | undefined): IDataObject {
	const error = errors?.[0];
	if (!error) return {};
	const message = error.message ?? error.title ?? error.details;
	return { error: { code: error.code, ...(message ? { message } : {}) } };
}

function statusFields(status: StoredStatus): IDataObject {
	return {
		status: deliveryStatus(status.status, false),
		providerStatus: status.status,
		...firstError(status.errors),
		...(status.errors?.length ? { errors: status.errors as unknown as IDataObject[] } : {}),
		updatedAt: status.timestamp,
		...(status.pricing ? { pricing: status.pricing as IDataObject } : {}),
		history: status.history as unknown as IDataObject[],
	};
}

/** Get Status from the store: a status only exists for a message the business sent. */
export function recordedStatusJson(provider: ProviderName, status: StoredStatus): IDataObject {
	return { provider, messageId: status.messageId, direction: 'outbound', ...statusFields(status) };
}

/** One Get Chat History item from the store. */
export function recordedMessageJson(provider: ProviderName, message: StoredMessage): IDataObject {
	const contact = message.contact.phoneNumber ?? message.contact.userId;
	const inbound = message.direction === 'inbound';
	return {
		provider,
		messageId: message.id,
		direction: message.direction,
		...(inbound ? { status: 'received', providerStatus: 'received' } : message.status ? {} : { status: 'queued', providerStatus: 'unknown' }),
		...(contact ? { contact } : {}),
		...(inbound && message.contactName ? { contactName: message.contactName } : {}),
		type: message.type,
		...(message.text !== undefined ? { text: message.text } : {}),
		...(message.templateName ? { templateName: message.templateName } : {}),
		...(message.mediaIds?.length ? { mediaCount: message.mediaIds.length, mediaIds: message.mediaIds } : {}),
		createdAt: message.timestamp,
		...(!inbound && message.status ? statusFields(message.status) : {}),
	};
}
