import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ValidationError } from '../../helpers/ValidationError';
import type { MediaRef, ProviderName } from '../../providers/types';

/** The fields that name stored media: Get URL, Download and Delete share them. */
export function mediaReferenceFields(acceptsUrl: boolean): INodeProperties[] {
	return [
		{
			displayName: acceptsUrl ? 'Media ID, SID or URL' : 'Media ID or SID',
			name: 'mediaId',
			type: 'string',
			default: '',
			required: true,
			placeholder: acceptsUrl ? '1234567890123456, MM… or https://…' : '1234567890123456 or MM…',
			description:
				'Meta: the media ID (from Upload, or {{ $json.message.media.id }} after the trigger). Twilio: the message SID (MM…, {{ $json.id }} after the trigger), or a media SID (ME…) with its Message SID below.' +
				(acceptsUrl ? ' Or a download URL (e.g. from Get URL), fetched with the credential’s auth.' : ''),
		},
		{
			displayName: 'Message SID',
			name: 'messageSid',
			type: 'string',
			default: '',
			placeholder: 'MM0123456789abcdef0123456789abcdef',
			description: 'Twilio only: the message a media SID (ME…) belongs to. Leave empty when Media ID is a message SID.',
			displayOptions: { show: { provider: ['twilio'] } },
		},
	];
}

export function readMediaRef(this: IExecuteFunctions, itemIndex: number, acceptsUrl: boolean): MediaRef {
	const value = String(this.getNodeParameter('mediaId', itemIndex, '')).trim();
	const provider = this.getNodeParameter('provider', itemIndex) as ProviderName;
	const messageId = provider === 'twilio' ? String(this.getNodeParameter('messageSid', itemIndex, '')).trim() : '';
	if (!value) {
		throw new ValidationError(
			'Media ID',
			'Media ID is empty',
			'Map the media’s ID: {{ $json.message.media.id }} (Meta) or {{ $json.id }} (Twilio) after the trigger.',
		);
	}
	if (/^https?:\/\//i.test(value)) {
		if (!acceptsUrl) throw new ValidationError('Media ID', 'This operation takes a media ID or SID, not a URL');
		return { url: value };
	}
	return { id: value, ...(messageId ? { messageId } : {}) };
}
