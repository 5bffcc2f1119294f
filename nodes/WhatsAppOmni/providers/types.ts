/**
 * The only vocabulary operations and the trigger share with providers. Nothing in here names a
 * Twilio parameter or a Graph API field: adding a third provider must not change these types.
 */

export type ProviderName = 'meta' | 'twilio';

export const PROVIDER_LABELS: Record<ProviderName, string> = {
	meta: 'Meta (WhatsApp Cloud API)',
	twilio: 'Twilio',
};

/** An E.164 number with its leading `+`, e.g. `+15551234567`. */
export type E164 = string;

export interface TextContent {
	type: 'text';
	text: string;
	/** Let WhatsApp render a preview of the first link in the text, where the provider lets us choose. */
	previewUrl?: boolean;
}

/** Grows with every message type the node learns to send. */
export type MessageContent = TextContent;

export interface OutboundMessage {
	to: E164;
	content: MessageContent;
}

/** What every send returns, whichever provider carried it. */
export interface SendResult {
	provider: ProviderName;
	/** `wamid.…` on Meta, `SM…`/`MM…` on Twilio. */
	messageId: string;
	to: E164;
	/** The provider's own word for the state right after sending: Meta `accepted`, Twilio `queued`. */
	status: string;
	/** The provider's response body, for fields the unified shape leaves out. */
	raw: unknown;
}

/** Limits the node checks before it sends anything, so bad input never costs a request. */
export interface ProviderLimits {
	textMaxLength: number;
}

export interface WhatsAppProvider {
	readonly name: ProviderName;
	readonly limits: ProviderLimits;
	sendMessage(message: OutboundMessage): Promise<SendResult>;
}

export interface MetaCredentials {
	accessToken: string;
	phoneNumberId: string;
	businessAccountId?: string;
	appId?: string;
	appSecret?: string;
	graphApiVersion?: string;
	baseUrl?: string;
}

export type TwilioAuthType = 'authToken' | 'apiKey';

export interface TwilioCredentials {
	authType?: TwilioAuthType;
	accountSid: string;
	authToken?: string;
	apiKeySid?: string;
	apiKeySecret?: string;
	whatsAppNumber?: string;
	messagingServiceSid?: string;
	region?: string;
	edge?: string;
	baseUrl?: string;
}
