import type { AxiosInstance } from 'axios';

import { CredentialError } from '../CredentialError';
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
		if (!credentials.accessToken?.trim()) {
			throw new CredentialError(
				'The Meta credential has no access token',
				'Paste a permanent System User access token into the WhatsApp Omni Meta credential.',
			);
		}
		if (!/^\d+$/.test(credentials.phoneNumberId?.trim() ?? '')) {
			throw new CredentialError(
				`The Phone Number ID "${credentials.phoneNumberId ?? ''}" in the Meta credential is not valid`,
				'It is a long number from the app dashboard \u203a WhatsApp \u203a API Setup, not the phone number itself (no +, spaces or dashes).',
			);
		}
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
