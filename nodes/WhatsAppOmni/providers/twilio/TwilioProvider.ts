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
