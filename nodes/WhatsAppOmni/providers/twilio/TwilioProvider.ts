import type { MessageInstance } from 'twilio/lib/rest/api/v2010/account/message';

import { InvalidPhoneNumberError, normalizePhoneNumber } from '../../helpers/phoneNumber';
import { CredentialError } from '../CredentialError';
import type {
	OutboundMessage,
	ProviderLimits,
	SendResult,
	TwilioCredentials,
	WhatsAppProvider,
} from '../types';
import { getTwilioClient, withRawResponse } from './client';
import { buildTwilioMessage, toWhatsAppAddress, type TwilioSender } from './messages';

export const TWILIO_LIMITS: ProviderLimits = {
	textMaxLength: 1600,
};

export class TwilioProvider implements WhatsAppProvider {
	readonly name = 'twilio' as const;

	readonly limits = TWILIO_LIMITS;

	private readonly sender: TwilioSender;

	private readonly client: ReturnType<typeof getTwilioClient>;

	constructor(credentials: TwilioCredentials) {
		checkAuth(credentials);
		this.sender = resolveSender(credentials);
		this.client = getTwilioClient(credentials);
	}

	async sendMessage(message: OutboundMessage): Promise<SendResult> {
		const params = buildTwilioMessage(message, this.sender);
		const { result, raw } = await withRawResponse<MessageInstance>(() =>
			this.client.messages.create(params),
		);
		return {
			provider: 'twilio',
			messageId: result.sid,
			to: message.to,
			status: result.status,
			raw,
		};
	}
}

function checkAuth(credentials: TwilioCredentials) {
	if (!/^AC[0-9a-fA-F]{32}$/.test(credentials.accountSid?.trim() ?? '')) {
		throw new CredentialError(
			'The Account SID in the Twilio credential is missing or not valid',
			'It starts with AC followed by 32 hexadecimal characters; copy it from the Twilio Console \u203a Account Info.',
		);
	}
	if (credentials.authType === 'apiKey') {
		if (!credentials.apiKeySid?.trim() || !credentials.apiKeySecret?.trim()) {
			throw new CredentialError(
				'The Twilio credential uses an API key but its SID or secret is empty',
				'Fill in "API Key SID" (SK…) and "API Key Secret" in the WhatsApp Omni Twilio credential, or switch Authentication to Auth Token.',
			);
		}
	} else if (!credentials.authToken?.trim()) {
		throw new CredentialError(
			'The Twilio credential has no Auth Token',
			'Fill in "Auth Token" (Twilio Console \u203a Account Info) in the WhatsApp Omni Twilio credential, or switch Authentication to API Key.',
		);
	}
}

function resolveSender(credentials: TwilioCredentials): TwilioSender {
	const messagingServiceSid = credentials.messagingServiceSid?.trim() || undefined;
	const number = credentials.whatsAppNumber?.trim();
	if (!number && !messagingServiceSid) {
		throw new CredentialError(
			'The Twilio credential has no WhatsApp number and no Messaging Service SID',
			'Open the WhatsApp Omni Twilio credential and fill in "WhatsApp Number" (your WhatsApp sender, e.g. +14155238886 for the sandbox) or "Messaging Service SID".',
		);
	}
	if (messagingServiceSid && !/^MG[0-9a-fA-F]{32}$/.test(messagingServiceSid)) {
		throw new CredentialError(
			`The Messaging Service SID "${messagingServiceSid}" is not valid`,
			'A Messaging Service SID starts with MG followed by 32 hexadecimal characters; copy it from the Twilio Console \u203a Messaging \u203a Services.',
		);
	}
	let from: string | undefined;
	if (number) {
		try {
			from = toWhatsAppAddress(normalizePhoneNumber(number));
		} catch (error) {
			if (!(error instanceof InvalidPhoneNumberError)) throw error;
			throw new CredentialError(
				`The WhatsApp number "${number}" in the Twilio credential is not valid: ${error.reason}`,
				'Give your WhatsApp sender in E.164 form, e.g. +14155238886 or whatsapp:+14155238886.',
			);
		}
	}
	return { from, messagingServiceSid };
}
