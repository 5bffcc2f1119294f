import type { MessageInstance } from 'twilio/lib/rest/api/v2010/account/message';

import { ValidationError } from '../../helpers/ValidationError';
import { InvalidPhoneNumberError, normalizePhoneNumber } from '../../helpers/phoneNumber';
import { recipientAddress } from '../../helpers/recipient';
import { CredentialError } from '../CredentialError';
import type { InboundMedia, UnifiedEvent } from '../events';
import type { MediaInstance } from 'twilio/lib/rest/api/v2010/account/message/media';

import type {
	BinaryFile,
	BusinessProfileInfo,
	BusinessProfileUpdate,
	ChatHistoryQuery,
	ContactLookupChoice,
	ContactProfile,
	DeletedMedia,
	DeletedTemplate,
	E164,
	NewTemplate,
	StoredMessage,
	TemplateDeletion,
	TemplateInfo,
	TemplateInfoPage,
	TemplateQuery,
	DownloadedMedia,
	MediaInfo,
	MediaRef,
	UploadedMedia,
	MarkReadResult,
	OutboundMessage,
	SenderChoice,
	ProviderLimits,
	Recipient,
	SendOptions,
	SendResult,
	SetupChoice,
	SetupReport,
	TemplateDefinition,
	TemplateListOptions,
	TemplatePage,
	TemplateRef,
	TwilioCredentials,
	WebhookMode,
	WebhookRecord,
	WebhookRequest,
	WebhookState,
	WebhookTarget,
	WhatsAppProvider,
} from '../types';
import { UnsupportedError } from '../UnsupportedError';
import { getTwilioClient, rewriteTwilioUrl, twilioAuth, withRawResponse, type TwilioClient } from './client';
import { findOrCreateInteractiveContent } from './content';
import { buildTwilioMessage, MESSAGE_SID, toWhatsAppAddress, type TwilioSender } from './messages';
import { downloadTwilioMedia } from './media';
import { signTwilioRequest, verifyTwilioSignature } from './signature';
import { getTwilioTemplate, listTwilioTemplates } from './templates';
import type { TwilioContext } from './context';
import { getTwilioChatHistory, getTwilioMessage } from './history';
import { getTwilioBusinessProfile, getTwilioContactProfile, updateTwilioBusinessProfile } from './profile';
import { createTwilioTemplate, deleteTwilioTemplate, getTwilioTemplateInfo, queryTwilioTemplates } from './templateAdmin';
import { parseTwilioWebhook } from './webhook';
import { TwilioWebhookRegistration } from './webhookRegistration';
import { checkTwilioSetup } from './setupCheck';

const MB = 1024 * 1024;
const KB = 1024;

/** Twilio's WhatsApp media rules (accepted MIME types; 16 MB per message, images 5 MB). */
export const TWILIO_LIMITS: ProviderLimits = {
	textMaxLength: 1600,
	captionMaxLength: 1024,
	listBodyMaxLength: 1024,
	media: {
		image: { mimeTypes: ['image/jpeg', 'image/png'], maxBytes: 5 * MB },
		video: { mimeTypes: ['video/mp4'], maxBytes: 16 * MB },
		audio: { mimeTypes: ['audio/ogg', 'audio/amr', 'audio/3gpp', 'audio/aac', 'audio/mpeg'], maxBytes: 16 * MB },
		document: {
			mimeTypes: [
				'application/pdf',
				'application/msword',
				'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
				'application/vnd.openxmlformats-officedocument.presentationml.presentation',
				'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			],
			maxBytes: 16 * MB,
		},
		sticker: { mimeTypes: ['image/webp'], maxBytes: 100 * KB },
	},
	animatedStickerMaxBytes: 500 * KB,
};

const MEDIA_SID = /^ME[0-9a-fA-F]{32}$/;

function twilioMediaRef(ref: MediaRef): { messageSid: string; mediaSid?: string } {
	const id = ref.id?.trim() ?? '';
	const messageId = ref.messageId?.trim() ?? '';
	if (MESSAGE_SID.test(id)) return { messageSid: id };
	if (MEDIA_SID.test(id)) {
		if (!MESSAGE_SID.test(messageId)) {
			throw new ValidationError(
				'Message SID',
				messageId ? `"${messageId}" is not a Twilio message SID` : `Media ${id} needs the SID of its message`,
				'Twilio keeps media under their message: fill in "Message SID" (MM… or SM…), or give only the message SID.',
			);
		}
		return { messageSid: messageId, mediaSid: id };
	}
	throw new ValidationError(
		'Media ID',
		id ? `"${id}" is neither a Twilio message SID (MM…/SM…) nor a media SID (ME…)` : 'Media ID is empty',
		'Give the received message’s SID ({{ $json.id }} after the trigger), or a media SID (ME…) together with its message SID.',
	);
}

export class TwilioProvider implements WhatsAppProvider {
	readonly name = 'twilio' as const;

	readonly limits = TWILIO_LIMITS;

	private readonly sender: TwilioSender;

	private readonly client: TwilioClient;

	private readonly accountSid: string;

	constructor(private readonly credentials: TwilioCredentials) {
		checkAuth(credentials);
		this.sender = resolveSender(credentials);
		this.client = getTwilioClient(credentials);
		this.accountSid = credentials.accountSid.trim();
	}

	webhookResource(mode: WebhookMode): string | undefined {
		if (mode === 'sender') return this.businessKey;
		return mode === 'messagingService' ? this.sender.messagingServiceSid : undefined;
	}

	get businessKey(): string | undefined {
		return this.sender.from?.replace(/^whatsapp:/i, '');
	}

	/**
	 * Twilio documents WhatsApp addresses as `whatsapp:+E164` only; sending it a BSUID is not
	 * documented, and reports conflict (error 21211, read as a phone number). So it is refused.
	 */
	assertRecipient(to: Recipient): void {
		if (to.kind === 'bsuid') {
			throw new UnsupportedError(
				'twilio',
				`Twilio addresses WhatsApp users by phone number only (as far as Twilio documents), so it cannot send to the business-scoped user ID (BSUID) "${to.userId}"`,
				'Send to the person’s phone number instead (the trigger’s {{ $json.contact.phoneNumber }}), or send through the Meta provider, which takes BSUIDs.',
			);
		}
	}

	assertSupported(message: OutboundMessage, options: SendOptions = {}): void {
		const { content } = message;
		this.assertRecipient(message.to);
		if (message.replyTo && !options.dropUnsupportedQuote) {
			throw new UnsupportedError(
				'twilio',
				'Twilio has no quoted replies',
				'Turn on "Send Without Quote on Twilio" to send the message without the quote, or use the Meta provider.',
			);
		}
		if (content.type === 'media') {
			if (content.source.kind === 'binary') {
				throw new UnsupportedError(
					'twilio',
					'Twilio cannot take a file from n8n: it fetches media from a public URL itself',
					'Upload the file somewhere public (your website, S3, a CDN) and choose Source: URL, or use the Meta provider, which uploads files from n8n.',
				);
			}
			if (content.source.kind === 'id') {
				throw new UnsupportedError(
					'twilio',
					'Media IDs belong to Meta’s API; Twilio takes a public URL',
					'Choose Source: URL and give the file’s public address.',
				);
			}
			if (content.mediaType === 'document' && (content.caption || content.filename)) {
				throw new UnsupportedError(
					'twilio',
					'Twilio sends documents without a caption or file name',
					'Leave Caption and File Name empty (Twilio takes the name from the file’s URL), and send the caption as a separate text message.',
				);
			}
			if (content.voice) {
				throw new UnsupportedError(
					'twilio',
					'Twilio has no voice-note flag',
					'Turn Voice Note off; Twilio delivers OGG/OPUS audio as it is.',
				);
			}
		}
		if (content.type === 'contacts' && !content.vCardUrl?.trim()) {
			throw new UnsupportedError(
				'twilio',
				'Twilio cannot send contact cards; it sends a contact as a vCard file from a public URL, and this node serves no files',
				'Put a .vcf file at a public URL (served as text/vcard) and give it in "vCard URL (Twilio)", or use the Meta provider.',
			);
		}
		if (content.type === 'interactive' && content.header && content.header.type !== 'text') {
			throw new UnsupportedError(
				'twilio',
				'Twilio’s interactive messages cannot have a media header',
				'Use a text header, or send the media first with Send Media.',
			);
		}
	}

	async sendMessage(message: OutboundMessage, options: SendOptions = {}): Promise<SendResult> {
		this.assertSupported(message, options);
		let contentSid: string | undefined;
		if (message.content.type === 'interactive') {
			({ sid: contentSid } = await findOrCreateInteractiveContent(this.client, this.accountSid, message.content));
		}
		const params = buildTwilioMessage(message, this.sender, contentSid);
		const { result, raw } = await withRawResponse<MessageInstance>(() => this.client.messages.create(params));
		return {
			provider: 'twilio',
			messageId: result.sid,
			to: recipientAddress(message.to),
			status: result.status,
			raw,
			...(message.replyTo ? { quoteDropped: true } : {}),
			...(contentSid ? { createdContentId: contentSid } : {}),
		};
	}

	async markAsRead(messageId: string): Promise<MarkReadResult> {
		if (!MESSAGE_SID.test(messageId.trim())) {
			throw new ValidationError(
				'Message ID',
				`Message ID "${messageId}" is not a Twilio message SID`,
				'On Twilio, give the SID of the message you received (SM… or MM…, 34 characters), e.g. the trigger’s message id.',
			);
		}
		const { result, raw } = await withRawResponse(() =>
			this.client.messaging.v2.typingIndicator.create({ channel: 'whatsapp', messageId: messageId.trim() }),
		);
		// Twilio's only read receipt is the typing indicator, so it always shows "typing…".
		return { provider: 'twilio', messageId, success: (result as { success?: boolean }).success === true, typingIndicator: true, raw };
	}

	readonly webhookModes: WebhookMode[] = ['sender', 'messagingService', 'manual'];

	readonly restoresPreviousWebhook = true;

	// Twilio expects TwiML; an empty <Response/> sends no reply.
	readonly webhookAcknowledgement = { contentType: 'text/xml', body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>' };

	private get registration() {
		return new TwilioWebhookRegistration(this.client, {
			senderAddress: this.sender.from,
			messagingServiceSid: this.sender.messagingServiceSid,
		});
	}

	async checkWebhook(target: WebhookTarget): Promise<WebhookState> {
		return await this.registration.check(target);
	}

	async registerWebhook(target: WebhookTarget): Promise<WebhookRecord> {
		return await this.registration.register(target);
	}

	async unregisterWebhook(record: WebhookRecord): Promise<void> {
		await this.registration.unregister(record);
	}

	/** Twilio signs webhooks with the Auth Token, even when the REST calls use an API key. */
	verifySignature(request: WebhookRequest): boolean {
		const token = this.credentials.authToken?.trim();
		return !!token && verifyTwilioSignature(request, token);
	}

	forwardHeaders(request: WebhookRequest, url: string): Record<string, string> {
		const token = this.credentials.authToken?.trim();
		const contentType = request.headers['content-type'];
		return {
			'content-type': typeof contentType === 'string' ? contentType : 'application/x-www-form-urlencoded',
			...(token ? { 'x-twilio-signature': signTwilioRequest(request, url, token) } : {}),
		};
	}

	/** Twilio posts forms: n8n hands over their parameters as the parsed body. */
	parseWebhook(request: { body: unknown }): UnifiedEvent[] {
		return parseTwilioWebhook(formParams(request.body));
	}

	async downloadMedia(media: InboundMedia): Promise<DownloadedMedia> {
		if (!media.url) throw new ValidationError('Media', 'The media has no URL to download');
		// checkAuth made sure the pair is there.
		const { username, password } = twilioAuth(this.credentials);
		return await downloadTwilioMedia(media.url, { username: username!, password: password! }, media.mimeType);
	}

	async uploadMedia(_file: BinaryFile): Promise<UploadedMedia> {
		throw new UnsupportedError(
			'twilio',
			'Twilio has no upload API for WhatsApp media: it fetches every file from a public URL itself',
			'Put the file at a public URL (your website, S3, a CDN) and send it with Message › Send Media, Source: Public URL; or use the Meta provider, which uploads files from n8n.',
		);
	}

	async getMedia(ref: MediaRef): Promise<MediaInfo[]> {
		const { messageSid, mediaSid } = twilioMediaRef(ref);
		const message = this.client.api.v2010.accounts(this.accountSid).messages(messageSid);
		if (mediaSid) {
			const { result, raw } = await withRawResponse<MediaInstance>(() => message.media(mediaSid).fetch());
			return [this.mediaInfo(result, raw)];
		}
		const list = await message.media.list();
		return list.map((media) => this.mediaInfo(media, media.toJSON()));
	}

	async openMedia(ref: MediaRef): Promise<DownloadedMedia> {
		if (ref.url) return await this.downloadMedia({ url: ref.url });
		const [first] = await this.getMedia(ref);
		if (!first) {
			throw new ValidationError('Media ID', `Message ${ref.id?.trim() ?? ''} has no media`, 'Give the SID of a message that carries a file, e.g. {{ $json.id }} after the trigger on an image message.');
		}
		return await this.downloadMedia({ url: first.url, mimeType: first.mimeType });
	}

	async deleteMedia(ref: MediaRef): Promise<DeletedMedia> {
		const { messageSid, mediaSid } = twilioMediaRef(ref);
		const message = this.client.api.v2010.accounts(this.accountSid).messages(messageSid);
		const sids = mediaSid ? [mediaSid] : (await message.media.list()).map((media) => media.sid);
		let success = true;
		for (const sid of sids) success = (await message.media(sid).remove()) && success;
		return { provider: 'twilio', mediaIds: sids, success };
	}

	/** The file's URL: `https://api.twilio.com` + the resource's uri without `.json`, base URL override applied. */
	private mediaInfo(media: MediaInstance, raw: unknown): MediaInfo {
		const url = `https://api.twilio.com${media.uri.replace(/\.json$/, '')}`;
		const baseUrl = this.credentials.baseUrl?.trim();
		return {
			provider: 'twilio',
			mediaId: media.sid,
			url: baseUrl ? rewriteTwilioUrl(url, baseUrl) : url,
			...(media.contentType ? { mimeType: media.contentType } : {}),
			messageId: media.parentSid,
			raw,
		};
	}

	async listTemplates(options: TemplateListOptions): Promise<TemplatePage> {
		return await listTwilioTemplates(this.client, options);
	}

	async getTemplate(ref: TemplateRef): Promise<TemplateDefinition> {
		return await getTwilioTemplate(this.client, ref);
	}

	async queryTemplates(query: TemplateQuery): Promise<TemplateInfoPage> {
		return await queryTwilioTemplates(this.context, query);
	}

	async getTemplateInfo(ref: TemplateRef): Promise<TemplateInfo> {
		return await getTwilioTemplateInfo(this.context, ref);
	}

	async createTemplate(template: NewTemplate): Promise<TemplateInfo> {
		return await createTwilioTemplate(this.context, template);
	}

	async deleteTemplate(target: TemplateDeletion): Promise<DeletedTemplate> {
		return await deleteTwilioTemplate(this.context, target);
	}

	async getBusinessProfile(choice?: SenderChoice): Promise<BusinessProfileInfo> {
		return await getTwilioBusinessProfile(this.context, choice);
	}

	async updateBusinessProfile(update: BusinessProfileUpdate, choice?: SenderChoice): Promise<BusinessProfileInfo> {
		return await updateTwilioBusinessProfile(this.context, update, choice);
	}

	async getContactProfile(phoneNumber: E164, choice?: ContactLookupChoice): Promise<ContactProfile> {
		return await getTwilioContactProfile(this.context, phoneNumber, choice);
	}

	async getMessage(messageId: string): Promise<StoredMessage> {
		return await getTwilioMessage(this.context, messageId);
	}

	async getChatHistory(query: ChatHistoryQuery): Promise<StoredMessage[]> {
		return await getTwilioChatHistory(this.context, query);
	}

	/** Account › Check Setup: account, sender and where its webhook and status callback point. */
	async checkSetup(choice?: SetupChoice): Promise<SetupReport> {
		return await checkTwilioSetup({ ...this.context, registration: this.registration }, choice);
	}

	private get context(): TwilioContext {
		return { client: this.client, credentials: this.credentials, accountSid: this.accountSid, sender: this.sender };
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

function formParams(body: unknown): Record<string, string | string[]> {
	return body && typeof body === 'object' ? (body as Record<string, string | string[]>) : {};
}
