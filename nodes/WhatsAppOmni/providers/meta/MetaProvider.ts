import type { AxiosInstance } from 'axios';

import { getGraphClient, graphBaseUrl } from './client';
import { toMetaError } from './errors';
import { buildMetaMessage } from './messages';
import type {
	MetaCredentials,
	OutboundMessage,
	ProviderLimits,
	SendResult,
	WhatsAppProvider,
} from '../types';

interface GraphSendResponse {
	contacts?: Array<{ input?: string; wa_id?: string }>;
	messages?: Array<{ id: string; message_status?: string }>;
}

export const META_LIMITS: ProviderLimits = {
	textMaxLength: 4096,
};

export class MetaProvider implements WhatsAppProvider {
	readonly name = 'meta' as const;

	readonly limits = META_LIMITS;

	private readonly client: AxiosInstance;

	private readonly host: string;

	constructor(private readonly credentials: MetaCredentials) {
		this.client = getGraphClient(credentials);
		this.host = new URL(graphBaseUrl(credentials)).host;
	}

	async sendMessage(message: OutboundMessage): Promise<SendResult> {
		const body = buildMetaMessage(message);
		const data = await this.request<GraphSendResponse>('POST', `${this.phoneNumberId}/messages`, body);
		const sent = data.messages?.[0];
		return {
			provider: 'meta',
			messageId: sent?.id ?? '',
			to: message.to,
			status: sent?.message_status ?? 'accepted',
			raw: data,
		};
	}

	private get phoneNumberId() {
		return encodeURIComponent(this.credentials.phoneNumberId.trim());
	}

	private async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, data?: unknown) {
		try {
			const response = await this.client.request<T>({ method, url: path, data });
			return response.data;
		} catch (error) {
			throw toMetaError(error, this.host);
		}
	}
}
