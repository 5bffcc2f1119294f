import type { AxiosInstance } from 'axios';
import type { Readable } from 'node:stream';

import { recipientAddress } from '../../helpers/recipient';
import { ValidationError } from '../../helpers/ValidationError';
import { CredentialError } from '../CredentialError';
import type { InboundMedia, UnifiedEvent } from '../events';
import type {
	AutomaticHandshake,
	BinaryFile,
	BusinessProfileInfo,
	BusinessProfileUpdate,
	ContactProfile,
	DeletedMedia,
	DeletedTemplate,
	E164,
	NewTemplate,
	TemplateDeletion,
	TemplateInfo,
	TemplateInfoPage,
	TemplateQuery,
	DownloadedMedia,
	MediaInfo,
	MediaRef,
	UploadedMedia,
	MarkReadResult,
	MetaCredentials,
	OutboundMessage,
	ProviderLimits,
	Recipient,
	SendResult,
	SetupReport,
	TemplateDefinition,
	TemplateListOptions,
	TemplatePage,
	TemplateRef,
	WebhookMode,
	WebhookRecord,
	WebhookRequest,
	WebhookState,
	WebhookTarget,
	WhatsAppProvider,
} from '../types';
import { UnsupportedError } from '../UnsupportedError';
import { getGraphClient, graphBaseUrl } from './client';
import { toMetaError } from './errors';
import { uploadMedia } from './media';
import { createVerifyToken, isValidVerifyToken, verifyMetaSignature } from './signature';
import { parseMetaWebhook } from './webhook';
import { MetaWebhookRegistration } from './webhookRegistration';
import { checkMetaSetup } from './setupCheck';
import { buildMetaMarkAsRead, buildMetaMessage } from './messages';
import { getMetaTemplate, listMetaTemplates } from './templates';
import type { MetaContext } from './context';
import { getMetaBusinessProfile, getMetaContactProfile, updateMetaBusinessProfile } from './profile';
import { createMetaTemplate, deleteMetaTemplate, getMetaTemplateInfo, queryMetaTemplates } from './templateAdmin';

interface GraphSendResponse {
	contacts?: Array<{ input?: string; wa_id?: string; user_id?: string }>;
	messages?: Array<{ id: string; message_status?: string }>;
}

const MB = 1024 * 1024;
const KB = 1024;

/** Meta's media rules (Cloud API media reference). */
export const META_LIMITS: ProviderLimits = {
	textMaxLength: 4096,
	captionMaxLength: 1024,
	listBodyMaxLength: 4096,
	media: {
		image: { mimeTypes: ['image/jpeg', 'image/png'], maxBytes: 5 * MB },
		video: { mimeTypes: ['video/mp4', 'video/3gpp'], maxBytes: 16 * MB },
		audio: { mimeTypes: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'], maxBytes: 16 * MB },
		document: {
			mimeTypes: [
				'text/plain',
				'application/pdf',
				'application/msword',
				'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
				'application/vnd.ms-excel',
				'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
				'application/vnd.ms-powerpoint',
				'application/vnd.openxmlformats-officedocument.presentationml.presentation',
			],
			maxBytes: 100 * MB,
		},
		sticker: { mimeTypes: ['image/webp'], maxBytes: 100 * KB },
	},
	animatedStickerMaxBytes: 500 * KB,
};

interface GraphMedia {
	id?: string;
	url: string;
	mime_type?: string;
	sha256?: string;
	file_size?: number;
}

function metaMediaId(ref: MediaRef): string {
	const id = ref.id?.trim() ?? '';
	if (!/^\d+$/.test(id)) {
		throw new ValidationError(
			'Media ID',
			id ? `"${id}" is not a Meta media ID` : 'Media ID is empty',
			'A Meta media ID is a long number: returned by Media › Upload or found in a received message ({{ $json.message.media.id }} after the trigger).',
		);
	}
	return id;
}

function fileNameFromDisposition(header: unknown): string | undefined {
	const match = /filename="?([^";]+)"?/i.exec(String(header ?? ''));
	return match?.[1];
}

const WAMID = /^wamid\.[A-Za-z0-9_=+/-]+$/;

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

	/** Meta takes a phone number (as `to`) and a BSUID (as `recipient`) alike. */
	assertRecipient(_to: Recipient): void {
		// Nothing to refuse.
	}

	assertSupported(message: OutboundMessage): void {
		const { content } = message;
		this.assertRecipient(message.to);
		// Meta answers 131062: one-time codes still go to a phone number only. The category
		// comes with the template definition read for the variables, so this costs no request.
		if (message.to.kind === 'bsuid' && content.type === 'template' && content.definition.category?.toUpperCase() === 'AUTHENTICATION') {
			throw new UnsupportedError(
				'meta',
				`Meta does not send authentication templates (one-time codes) to a business-scoped user ID (BSUID); "${content.definition.name}" is one`,
				'Send the code to the person’s phone number (the trigger’s {{ $json.contact.phoneNumber }}, when WhatsApp shares it), or use a template of another category.',
			);
		}
		if (content.type === 'contacts' && content.contacts.length === 0) {
			throw new UnsupportedError(
				'meta',
				'Meta sends contacts as contact cards and does not take a vCard URL',
				'Fill in at least one contact (a formatted name is enough); the vCard URL is only used on Twilio.',
			);
		}
		if (message.replyTo && !WAMID.test(message.replyTo)) {
			throw new UnsupportedError(
				'meta',
				`"${message.replyTo}" is not a Meta message ID, so it cannot be quoted`,
				'Quote a message by its wamid.… ID, from the trigger (message.id) or from a send’s messageId.',
			);
		}
	}

	async sendMessage(message: OutboundMessage): Promise<SendResult> {
		this.assertSupported(message);
		let outbound = message;
		const { content } = message;
		if (content.type === 'media' && content.source.kind === 'binary') {
			const { file } = content.source;
			const id = await this.call(() => uploadMedia(this.client, this.phoneNumberId, file));
			outbound = { ...message, content: { ...content, source: { kind: 'id', id } } };
		}
		const data = await this.request<GraphSendResponse>('POST', `${this.phoneNumberId}/messages`, buildMetaMessage(outbound));
		const sent = data.messages?.[0];
		return {
			provider: 'meta',
			messageId: sent?.id ?? '',
			to: recipientAddress(message.to),
			status: sent?.message_status ?? 'accepted',
			raw: data,
		};
	}

	async markAsRead(messageId: string, options: { typingIndicator: boolean }): Promise<MarkReadResult> {
		if (!WAMID.test(messageId.trim())) {
			throw new ValidationError(
				'Message ID',
				`Message ID "${messageId}" is not a Meta message ID`,
				'On Meta, give the wamid.… ID of the message you received, e.g. the trigger’s message id.',
			);
		}
		const data = await this.request<{ success?: boolean }>(
			'POST',
			`${this.phoneNumberId}/messages`,
			buildMetaMarkAsRead(messageId, options.typingIndicator),
		);
		return { provider: 'meta', messageId, success: data.success === true, typingIndicator: options.typingIndicator, raw: data };
	}

	async listTemplates(options: TemplateListOptions): Promise<TemplatePage> {
		return await this.call(() => listMetaTemplates(this.client, this.wabaId, options));
	}

	async getTemplate(ref: TemplateRef): Promise<TemplateDefinition> {
		return await this.call(() => getMetaTemplate(this.client, this.wabaId, ref));
	}

	readonly webhookModes: WebhookMode[] = ['phoneNumber', 'businessAccount', 'app', 'manual'];

	readonly restoresPreviousWebhook = false;

	/** Tokens are keyed with the app secret, or the access token for credentials without one. */
	private get tokenSecret(): string {
		return this.credentials.appSecret?.trim() || this.credentials.accessToken.trim();
	}

	createVerifyToken(binding: string): string {
		return createVerifyToken(this.tokenSecret, binding);
	}

	readonly webhookAcknowledgement = { contentType: 'text/plain', body: 'OK' };

	/** `hub.mode=subscribe` with our verify token: the challenge goes back as the answer. */
	answerHandshake(query: Record<string, unknown>, manualToken?: string, automatic?: AutomaticHandshake): string | undefined {
		const token = query['hub.verify_token'];
		const challenge = query['hub.challenge'];
		if (query['hub.mode'] !== 'subscribe' || typeof challenge !== 'string') return undefined;
		const valid =
			manualToken !== undefined
				? !!manualToken && token === manualToken
				: !!automatic && isValidVerifyToken(this.tokenSecret, token, automatic);
		return valid ? challenge : undefined;
	}

	private get registration() {
		return new MetaWebhookRegistration(this.client, {
			phoneNumberId: this.credentials.phoneNumberId.trim(),
			wabaId: this.credentials.businessAccountId?.trim() || undefined,
			appId: this.credentials.appId?.trim() || undefined,
			appSecret: this.credentials.appSecret?.trim() || undefined,
		});
	}

	async checkWebhook(target: WebhookTarget): Promise<WebhookState> {
		return await this.call(() => this.registration.check(target));
	}

	async registerWebhook(target: WebhookTarget): Promise<WebhookRecord> {
		return await this.call(() => this.registration.register(target));
	}

	async unregisterWebhook(record: WebhookRecord): Promise<void> {
		await this.call(() => this.registration.unregister(record));
	}

	verifySignature(request: WebhookRequest): boolean {
		const secret = this.credentials.appSecret?.trim();
		return !!secret && verifyMetaSignature(request.rawBody, request.headers['x-hub-signature-256'], secret);
	}

	forwardHeaders(request: WebhookRequest): Record<string, string> {
		const signature = request.headers['x-hub-signature-256'];
		return { 'content-type': 'application/json', ...(typeof signature === 'string' ? { 'x-hub-signature-256': signature } : {}) };
	}

	parseWebhook(request: { body: unknown }): UnifiedEvent[] {
		return parseMetaWebhook(request.body);
	}

	/** Asks for a fresh URL by media ID (they expire in minutes), then streams it with the token. */
	async downloadMedia(media: InboundMedia): Promise<DownloadedMedia> {
		return await this.call(async () => {
			let url = media.url;
			let mimeType = media.mimeType;
			let size: number | undefined;
			let sha256 = media.sha256;
			if (media.id) {
				const { data } = await this.client.get<GraphMedia>(encodeURIComponent(media.id));
				url = data.url;
				mimeType = data.mime_type ?? mimeType;
				size = data.file_size;
				sha256 = data.sha256 ?? sha256;
			}
			if (!url) throw new ValidationError('Media', 'The media has neither an ID nor a URL to download');
			const response = await this.client.get<Readable>(url, { responseType: 'stream', baseURL: undefined });
			const length = Number(response.headers['content-length']);
			return {
				stream: response.data,
				mimeType: mimeType ?? (String(response.headers['content-type'] ?? '') || undefined),
				fileName: media.filename ?? fileNameFromDisposition(response.headers['content-disposition']),
				size: size ?? (Number.isFinite(length) && length > 0 ? length : undefined),
				...(sha256 ? { sha256 } : {}),
			};
		});
	}

	async uploadMedia(file: BinaryFile): Promise<UploadedMedia> {
		const id = await this.call(() => uploadMedia(this.client, this.phoneNumberId, file));
		return { provider: 'meta', mediaId: id, mimeType: file.mimeType, size: file.size };
	}

	async getMedia(ref: MediaRef): Promise<MediaInfo[]> {
		const id = metaMediaId(ref);
		const data = await this.request<GraphMedia>('GET', encodeURIComponent(id));
		return [
			{
				provider: 'meta',
				mediaId: data.id ?? id,
				url: data.url,
				...(data.mime_type ? { mimeType: data.mime_type } : {}),
				...(data.sha256 ? { sha256: data.sha256 } : {}),
				...(data.file_size !== undefined ? { size: Number(data.file_size) } : {}),
				urlExpiresInSeconds: 300,
				raw: data,
			},
		];
	}

	async openMedia(ref: MediaRef): Promise<DownloadedMedia> {
		if (ref.url) return await this.downloadMedia({ url: ref.url });
		return await this.downloadMedia({ id: metaMediaId(ref) });
	}

	async deleteMedia(ref: MediaRef): Promise<DeletedMedia> {
		const id = metaMediaId(ref);
		const data = await this.request<{ success?: boolean }>('DELETE', encodeURIComponent(id));
		return { provider: 'meta', mediaIds: [id], success: data.success === true };
	}

	async queryTemplates(query: TemplateQuery): Promise<TemplateInfoPage> {
		return await this.call(() => queryMetaTemplates(this.context, query));
	}

	async getTemplateInfo(ref: TemplateRef): Promise<TemplateInfo> {
		return await this.call(() => getMetaTemplateInfo(this.context, ref));
	}

	async createTemplate(template: NewTemplate): Promise<TemplateInfo> {
		return await this.call(() => createMetaTemplate(this.context, template));
	}

	async deleteTemplate(target: TemplateDeletion): Promise<DeletedTemplate> {
		return await this.call(() => deleteMetaTemplate(this.context, target));
	}

	async getBusinessProfile(): Promise<BusinessProfileInfo> {
		return await this.call(() => getMetaBusinessProfile(this.context));
	}

	async updateBusinessProfile(update: BusinessProfileUpdate): Promise<BusinessProfileInfo> {
		return await this.call(() => updateMetaBusinessProfile(this.context, update));
	}

	async getContactProfile(phoneNumber: E164): Promise<ContactProfile> {
		return await this.call(() => getMetaContactProfile(this.context, phoneNumber));
	}

	/** Account › Check Setup: token, number, subscriptions and where the webhooks go. */
	async checkSetup(): Promise<SetupReport> {
		return await checkMetaSetup({
			client: this.client,
			credentials: this.credentials,
			registration: this.registration,
			toError: (error) => toMetaError(error, this.host),
		});
	}

	/** Meta keeps no messages to read back (no getMessage, no getChatHistory): the store does. */
	webhookResource(mode: WebhookMode): string | undefined {
		const value = mode === 'phoneNumber' ? this.credentials.phoneNumberId : mode === 'businessAccount' ? this.credentials.businessAccountId : mode === 'app' ? this.credentials.appId : undefined;
		return value?.trim() || undefined;
	}

	get businessKey(): string {
		return this.credentials.phoneNumberId.trim();
	}

	private get context(): MetaContext {
		return {
			client: this.client,
			credentials: this.credentials,
			phoneNumberId: this.phoneNumberId,
			wabaId: () => this.wabaId,
		};
	}

	private get wabaId(): string {
		const id = this.credentials.businessAccountId?.trim();
		if (!id) {
			throw new CredentialError(
				'The Meta credential has no WhatsApp Business Account ID',
				'Templates live in the WhatsApp Business Account: copy its ID from the app dashboard \u203a WhatsApp \u203a API Setup into the credential.',
			);
		}
		return encodeURIComponent(id);
	}

	private get phoneNumberId() {
		return encodeURIComponent(this.credentials.phoneNumberId.trim());
	}

	private async call<T>(run: () => Promise<T>): Promise<T> {
		try {
			return await run();
		} catch (error) {
			throw toMetaError(error, this.host);
		}
	}

	private async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, data?: unknown) {
		return await this.call(async () => (await this.client.request<T>({ method, url: path, data })).data);
	}
}
