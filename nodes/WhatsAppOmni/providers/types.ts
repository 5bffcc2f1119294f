/**
 * The only vocabulary operations and the trigger share with providers. Nothing in here names a
 * Twilio parameter or a Graph API field: adding a third provider must not change these types.
 */
import type { Readable } from 'node:stream';

import type { InboundMedia, UnifiedEvent } from './events';

export type ProviderName = 'meta' | 'twilio';

export const PROVIDER_LABELS: Record<ProviderName, string> = {
	meta: 'Meta (WhatsApp Cloud API)',
	twilio: 'Twilio',
};

/** The provider's name in a sentence, e.g. "Meta asked to wait 30 s". */
export const PROVIDER_NAMES: Record<ProviderName, string> = {
	meta: 'Meta',
	twilio: 'Twilio',
};

/** An E.164 number with its leading `+`, e.g. `+15551234567`. */
export type E164 = string;

/**
 * Whom a message goes to: a phone number, or a business-scoped user ID (BSUID, e.g.
 * `US.13491208655302741918`), which WhatsApp gives users who hide their number behind a username.
 * Made by helpers/recipient's parseRecipient only; a provider that cannot address a kind says so
 * in `assertRecipient`.
 */
export type Recipient = { kind: 'phone'; phoneNumber: E164 } | { kind: 'bsuid'; userId: string };

export interface TextContent {
	type: 'text';
	text: string;
	/** Let WhatsApp render a preview of the first link in the text, where the provider lets us choose. */
	previewUrl?: boolean;
}

export type MediaKind = 'image' | 'audio' | 'video' | 'document' | 'sticker';

/** A file from n8n's binary store, opened as a stream only when it is sent. */
export interface BinaryFile {
	fileName: string;
	mimeType: string;
	size: number;
	open(): Promise<Readable>;
}

export type MediaSource =
	| { kind: 'url'; url: string }
	| { kind: 'id'; id: string }
	| { kind: 'binary'; file: BinaryFile };

export interface MediaContent {
	type: 'media';
	mediaType: MediaKind;
	source: MediaSource;
	/** Image, video and document only. */
	caption?: string;
	/** Document only: the name the recipient sees. */
	filename?: string;
	/** Audio only: send as a voice note (OGG/OPUS). */
	voice?: boolean;
	/** The MIME type when the node knows it (binary data, or given for a URL). */
	mimeType?: string;
	/** Sticker only: an animated WebP, which has a larger size limit. */
	animated?: boolean;
}

export interface LocationContent {
	type: 'location';
	latitude: number;
	longitude: number;
	name?: string;
	address?: string;
}

export interface ContactCard {
	name: {
		formattedName: string;
		firstName?: string;
		lastName?: string;
		middleName?: string;
		prefix?: string;
		suffix?: string;
	};
	phones?: Array<{ phone: string; type?: string; waId?: string }>;
	emails?: Array<{ email: string; type?: string }>;
	organization?: { company?: string; department?: string; title?: string };
	addresses?: Array<{
		street?: string;
		city?: string;
		state?: string;
		zip?: string;
		country?: string;
		countryCode?: string;
		type?: string;
	}>;
	urls?: Array<{ url: string; type?: string }>;
	/** YYYY-MM-DD */
	birthday?: string;
}

export interface ContactsContent {
	type: 'contacts';
	contacts: ContactCard[];
	/** A public vCard file, for providers that cannot send structured contacts. */
	vCardUrl?: string;
}

/** Which template: Meta names a template by name and language, Twilio by its Content SID. */
export interface TemplateRef {
	/** Meta: the template name; Twilio: the Content SID (HX…). */
	id: string;
	/** Meta only. */
	language?: string;
}

export type TemplateHeaderFormat = 'text' | 'image' | 'video' | 'document' | 'location' | 'none';

/** One value the template needs, as the node shows it and as the provider fills it in. */
export interface TemplateVariable {
	/** Stable key: `body.1`, `body.customer_name`, `header.1`, `header.media`, `button.0.url`, … */
	key: string;
	/** Where it goes, for people. */
	label: string;
	component: 'header' | 'body' | 'button';
	kind: 'text' | 'mediaUrl' | 'payload' | 'couponCode' | 'urlSuffix' | 'location';
	/** Positional index (`1`) or named parameter (`customer_name`). */
	name: string;
	/** For buttons: the button's position in the template. */
	buttonIndex?: number;
	/** For media headers: which media. */
	mediaType?: 'image' | 'video' | 'document';
	/** An example the template was approved with, if any. */
	example?: string;
	required: boolean;
}

export interface TemplateSummary {
	/** What TemplateRef.id takes. */
	id: string;
	name: string;
	language?: string;
	status: string;
	category?: string;
	/** A short preview of the body for pickers. */
	preview?: string;
}

export interface TemplateDefinition extends TemplateSummary {
	headerFormat: TemplateHeaderFormat;
	variables: TemplateVariable[];
}

export interface TemplateContent {
	type: 'template';
	template: TemplateRef;
	/** The definition, read before sending so values can be checked against it. */
	definition: TemplateDefinition;
	/** By TemplateVariable.key. */
	values: Record<string, string>;
}

export interface ReplyButton {
	id: string;
	title: string;
}

export interface ListRow {
	id: string;
	title: string;
	description?: string;
}

export interface ListSection {
	title?: string;
	rows: ListRow[];
}

export type InteractiveHeader =
	| { type: 'text'; text: string }
	| { type: 'image' | 'video' | 'document'; url: string };

export type InteractiveContent = {
	type: 'interactive';
	body: string;
	header?: InteractiveHeader;
	footer?: string;
} & (
	| { kind: 'buttons'; buttons: ReplyButton[] }
	| { kind: 'list'; buttonText: string; sections: ListSection[] }
	| { kind: 'ctaUrl'; displayText: string; url: string }
);

export type MessageContent =
	| TextContent
	| MediaContent
	| LocationContent
	| ContactsContent
	| TemplateContent
	| InteractiveContent;

export interface OutboundMessage {
	to: Recipient;
	content: MessageContent;
	/** Quote this earlier message (a reply). */
	replyTo?: string;
}

/** What every send returns, whichever provider carried it. */
export interface SendResult {
	provider: ProviderName;
	/** `wamid.…` on Meta, `SM…`/`MM…` on Twilio. */
	messageId: string;
	/** The address the message went to: the E.164 phone number, or the BSUID. */
	to: string;
	/** The provider's own word for the state right after sending: Meta `accepted`, Twilio `queued`. */
	status: string;
	/** The provider's response body, for fields the unified shape leaves out. */
	raw: unknown;
	/** Set when the message was sent without the quote the node was asked for. */
	quoteDropped?: boolean;
	/** Set when the provider needed something created first (e.g. a Twilio Content for buttons). */
	createdContentId?: string;
}

export interface MarkReadResult {
	provider: ProviderName;
	messageId: string;
	success: boolean;
	typingIndicator: boolean;
	raw: unknown;
}

export interface MediaLimit {
	mimeTypes: string[];
	maxBytes: number;
}

/** Limits the node checks before it sends anything, so bad input never costs a request. */
export interface ProviderLimits {
	textMaxLength: number;
	captionMaxLength: number;
	/** Body of a list message (buttons and call-to-action bodies are 1,024 everywhere). */
	listBodyMaxLength: number;
	/** Per media kind; a kind a provider cannot send is missing. */
	media: Partial<Record<MediaKind, MediaLimit>>;
	/** For animated stickers, where it differs. */
	animatedStickerMaxBytes?: number;
}

export interface TemplateListOptions {
	/** Case-insensitive part of the name. */
	filter?: string;
	/** Include templates that cannot be sent yet (pending, rejected, paused). */
	includeUnapproved?: boolean;
	/** Opaque, from a previous page. */
	cursor?: string;
}

export interface TemplatePage {
	templates: TemplateSummary[];
	nextCursor?: string;
}

/** How the trigger's URL reaches the provider. */
export type WebhookMode = 'phoneNumber' | 'businessAccount' | 'app' | 'sender' | 'messagingService' | 'manual';

export interface WebhookTarget {
	mode: WebhookMode;
	url: string;
	/** Meta's handshake token. */
	verifyToken?: string;
	/** The trigger's chosen events (messages, statuses, errors, templates, account). */
	events?: string[];
}

/** Which verify token the handshake of an automatic registration must carry. */
export interface AutomaticHandshake {
	/** What the token was made for (createVerifyToken's `binding`). */
	binding: string;
	/** The token of the current activation, when the trigger's saved data holds one. */
	current?: string;
}

/** What registration changed, kept in the workflow's static data so deactivation can undo it. */
export interface WebhookRecord {
	mode: WebhookMode;
	url: string;
	verifyToken?: string;
	/** The sender or service whose URLs were changed (Twilio). */
	resourceId?: string;
	/** URLs that were there before, put back at deactivation (Twilio). */
	previous?: Record<string, string | undefined>;
}

export type WebhookState =
	| { state: 'absent' }
	| { state: 'ours' }
	/** Someone else's URL is registered where this trigger would register. */
	| { state: 'elsewhere'; url: string; where: string };

/** An incoming webhook request, as much of it as signature checks need. */
export interface WebhookRequest {
	/** The URL the provider called, as the provider saw it (public URL, query included). */
	url: string;
	headers: Record<string, string | string[] | undefined>;
	rawBody: Buffer;
	/** The body as n8n parsed it: JSON, or the parameters of a form post (Twilio). */
	body?: unknown;
}

export interface DownloadedMedia {
	stream: Readable;
	mimeType?: string;
	fileName?: string;
	size?: number;
	/** Hex SHA-256 of the file, when the provider publishes one (Meta), for checking the bytes. */
	sha256?: string;
}

/**
 * Which stored media: a Meta media ID, a Twilio message SID (all its media, or the first for a
 * download), a Twilio media SID with its message SID, or a download URL.
 */
export interface MediaRef {
	/** Meta media ID, Twilio message SID (MM…/SM…) or media SID (ME…). */
	id?: string;
	/** Twilio: the message a media SID belongs to. */
	messageId?: string;
	/** A download URL, fetched with the credential's auth. */
	url?: string;
}

/** A stored media file and where to download it. */
export interface MediaInfo {
	provider: ProviderName;
	mediaId: string;
	/** Download URL; needs the credential's auth. */
	url: string;
	mimeType?: string;
	sha256?: string;
	size?: number;
	/** Twilio: the message the media belongs to. */
	messageId?: string;
	/** When the URL stops working, if it does (Meta: about 5 minutes). */
	urlExpiresInSeconds?: number;
	raw: unknown;
}

export interface UploadedMedia {
	provider: ProviderName;
	mediaId: string;
	mimeType: string;
	size: number;
}

export interface DeletedMedia {
	provider: ProviderName;
	/** The media removed (Twilio: every media of a message when only its SID was given). */
	mediaIds: string[];
	success: boolean;
}

// ------------------------------------------------------------------------------------------
// Template management (Create / Get / Get Many / Delete)

export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';

/** A button of a new template, in the order WhatsApp shows them. */
export type NewTemplateButton =
	| { type: 'quickReply'; text: string }
	/** `url` may end in one `{{1}}`; `example` is then a full sample URL. */
	| { type: 'url'; text: string; url: string; example?: string }
	| { type: 'phoneNumber'; text: string; phoneNumber: E164 }
	/** The coupon code the approval request shows as a sample. */
	| { type: 'copyCode'; example: string };

export type NewTemplateHeader =
	| { format: 'text'; text: string; example?: string }
	/** The sample media reviewers see: a file from n8n (Meta uploads it), a handle, or a public URL. */
	| { format: 'image' | 'video' | 'document'; sample: MediaSource }
	| { format: 'location' };

export interface NewTemplate {
	/** Lowercase letters, digits and `_` (WhatsApp's rule for every provider). */
	name: string;
	/** `en_US`, `pt_BR`, … */
	language: string;
	category: TemplateCategory;
	/** `{{1}}`-style or `{{customer_name}}`-style variables. */
	parameterFormat: 'positional' | 'named';
	header?: NewTemplateHeader;
	body: string;
	/** Sample value for each body variable, by its name (`1`, `customer_name`). */
	bodyExamples: Record<string, string>;
	footer?: string;
	buttons: NewTemplateButton[];
	/** Twilio: submit the new content to WhatsApp for approval right away. Meta always submits. */
	submitForApproval: boolean;
	/** Let WhatsApp change the category instead of rejecting the template. */
	allowCategoryChange?: boolean;
}

/** A template as Get / Get Many / Create return it, the same shape for both providers. */
export interface TemplateInfo extends TemplateSummary {
	/** Meta: the template's numeric ID (hsm_id); Twilio: the Content SID. */
	templateId: string;
	parameterFormat?: 'positional' | 'named';
	header?: { format: TemplateHeaderFormat; text?: string };
	body?: string;
	footer?: string;
	buttons?: Array<{ type: string; text?: string; url?: string; phoneNumber?: string }>;
	variables: TemplateVariable[];
	/** Why WhatsApp rejected or paused it, when it says. */
	rejectionReason?: string;
	raw: unknown;
}

export interface TemplateQuery {
	/** Part of the name (Meta filters on the server; Twilio by the friendly name or approval name). */
	name?: string;
	/** APPROVED, PENDING, REJECTED, PAUSED, DISABLED… (Twilio: its approval status, or `unsubmitted`). */
	status?: string;
	language?: string;
	category?: TemplateCategory;
	/** Opaque, from a previous page. */
	cursor?: string;
	/** Templates to ask for per request (providers cap it). */
	pageSize?: number;
}

export interface TemplateInfoPage {
	templates: TemplateInfo[];
	nextCursor?: string;
}

export interface TemplateDeletion {
	/** Meta: the template name (a picker's `name|language` is accepted too); Twilio: the Content SID. */
	id: string;
	/** Meta: delete only this language (found by name, deleted by its hsm_id); else every language. */
	language?: string;
}

export interface DeletedTemplate {
	provider: ProviderName;
	/** What was deleted: Meta names (with languages when only one was), Twilio Content SIDs. */
	deleted: string[];
	success: boolean;
}

// ------------------------------------------------------------------------------------------
// Profiles (Get Profile Info / Update Business Profile)

export interface BusinessProfile {
	name?: string;
	about?: string;
	address?: string;
	description?: string;
	/** Meta has one email, Twilio a list: the first is here, all are in `emails`. */
	email?: string;
	emails?: string[];
	websites?: string[];
	vertical?: string;
	profilePictureUrl?: string;
}

export interface BusinessProfileInfo {
	provider: ProviderName;
	profile: BusinessProfile;
	/** The sending number as WhatsApp knows it. */
	phoneNumber: {
		displayPhoneNumber?: string;
		verifiedName?: string;
		qualityRating?: string;
		/** Meta throughput level, Twilio messaging limit tier. */
		throughput?: string;
		messagingLimit?: string;
		status?: string;
		nameStatus?: string;
		/** Meta phone number ID, Twilio sender SID (XE…). */
		id?: string;
	};
	raw: unknown;
}

/** Fields to change; what is left out stays as it is. */
export type BusinessProfileUpdate = Omit<BusinessProfile, 'name' | 'profilePictureUrl' | 'emails'>;

/** Which sender's profile, where an account has several (Twilio). */
export interface SenderChoice {
	/** Twilio sender SID (XE…). */
	senderId?: string;
}

/** Lookup data packages beyond the free validation; Twilio bills each one per request. */
export type ContactLookupData = 'callerName' | 'lineType' | 'lineStatus' | 'simSwap' | 'callForwarding' | 'smsPumpingRisk';

export interface ContactLookupChoice {
	extraData?: ContactLookupData[];
}

export interface ContactProfile {
	provider: ProviderName;
	phoneNumber: E164;
	valid: boolean;
	/** What the lookup said about the number: country, national format, carrier, line type… */
	details: Record<string, unknown>;
	/** Reminds the reader that this is phone network data, not WhatsApp data. */
	note: string;
	raw: unknown;
}

// ------------------------------------------------------------------------------------------
// Stored messages (Get Status / Get Chat History)

export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'undelivered' | 'received';

export interface StoredMessage {
	provider: ProviderName;
	messageId: string;
	direction: 'inbound' | 'outbound';
	/** The unified status; `received` for messages the business received. */
	status: DeliveryStatus;
	/** The provider's own word (Twilio: accepted, scheduled, sending, canceled, partially_delivered…). */
	providerStatus: string;
	/** E.164, without any `whatsapp:` prefix. */
	from: string;
	to: string;
	/** The other party: the customer's number. */
	contact: string;
	text?: string;
	/** Number of media files, with the SID to download them by (Media › Download). */
	mediaCount?: number;
	error?: { code: number | string; message?: string };
	/** ISO 8601. */
	createdAt?: string;
	sentAt?: string;
	updatedAt?: string;
	price?: { amount: string; currency: string };
	raw: unknown;
}

export interface ChatHistoryQuery {
	/** The customer. */
	contact: E164;
	/** ISO date or date-time; inclusive. */
	after?: string;
	before?: string;
	/** Stop after this many (newest first); undefined reads every page. */
	limit?: number;
}

// ------------------------------------------------------------------------------------------
// Account › Check Setup

/** One check of Check Setup, as a provider found it. Never holds a secret. */
export interface SetupFinding {
	/** Stable id, e.g. `token.valid`, `sender.online`. */
	check: string;
	/** What is checked, for people. */
	title: string;
	ok: boolean;
	/** What was found, in words (a failed look-up names the provider's error code and message). */
	found: string;
	/** What to do, in one sentence; only when not ok. */
	fix?: string;
	/** Facts behind `found`, flat and small: statuses, dates, URLs, IDs. */
	details?: Record<string, unknown>;
}

/** A URL the provider sends the business number's webhooks to now. */
export interface SetupWebhookUrl {
	url: string;
	/** What arrives there. */
	carries: 'messages' | 'statuses' | 'messages and statuses';
	/** Where it is set, in words: "the phone number’s webhook override". */
	where: string;
}

export interface SetupReport {
	provider: ProviderName;
	/** The provider's own checks (token, number, account, sender, subscriptions, where webhooks go). */
	findings: SetupFinding[];
	/**
	 * Where the business number's webhooks go now, one entry per URL (possibly none). Undefined
	 * when that could not be read; `webhooksUnknown` then says why and what to do.
	 */
	webhooks?: SetupWebhookUrl[];
	webhooksUnknown?: { found: string; fix: string };
	/**
	 * The business number as the conversation store files it (see `businessKey`), also when the
	 * credential names none but the look-up found the sender.
	 */
	businessKey?: string;
}

/** Which sender Check Setup looks at, where an account has several (Twilio). */
export type SetupChoice = SenderChoice;

export interface WhatsAppProvider {
	readonly name: ProviderName;
	readonly limits: ProviderLimits;
	/**
	 * Throws UnsupportedError when this provider cannot address this recipient, without any
	 * request. `assertSupported` calls it too; send operations call it first, before they read
	 * a template or upload a file.
	 */
	assertRecipient(to: Recipient): void;
	/**
	 * Throws UnsupportedError when this provider cannot send the message as asked, without any
	 * request. `sendMessage` calls it too; operations call it early to fail before uploads.
	 */
	assertSupported(message: OutboundMessage, options?: SendOptions): void;
	sendMessage(message: OutboundMessage, options?: SendOptions): Promise<SendResult>;
	markAsRead(messageId: string, options: { typingIndicator: boolean }): Promise<MarkReadResult>;
	listTemplates(options: TemplateListOptions): Promise<TemplatePage>;
	getTemplate(ref: TemplateRef): Promise<TemplateDefinition>;
	/** Registration modes this provider offers. */
	readonly webhookModes: WebhookMode[];
	/**
	 * Whether registration takes over a URL someone else set and puts it back at deactivation
	 * (Twilio), instead of refusing to (Meta, where the URL may belong to another workflow).
	 */
	readonly restoresPreviousWebhook: boolean;
	/**
	 * A fresh handshake token for providers that verify the URL with one (Meta), good only for
	 * `binding` (what the trigger ties it to: its workflow, node and webhook).
	 */
	createVerifyToken?(binding: string): string;
	/**
	 * The provider's URL-verification request (Meta's GET handshake): the text to answer with
	 * when it is genuine, undefined when it is not. `manualToken` is a token the person chose
	 * (Manual registration); otherwise `automatic` says which token registration made, and
	 * without it no token is taken.
	 */
	answerHandshake?(query: Record<string, unknown>, manualToken?: string, automatic?: AutomaticHandshake): string | undefined;
	/** How the provider wants a webhook acknowledged (Twilio: empty TwiML). */
	readonly webhookAcknowledgement: { contentType: string; body: string };
	checkWebhook(target: WebhookTarget): Promise<WebhookState>;
	registerWebhook(target: WebhookTarget): Promise<WebhookRecord>;
	unregisterWebhook(record: WebhookRecord): Promise<void>;
	/** Whether the request carries this provider's valid signature for the credential. */
	verifySignature(request: WebhookRequest): boolean;
	/**
	 * The headers that make a verified delivery, sent on as it is to `url` (another trigger on the
	 * same number), pass that trigger's verifySignature exactly as the provider's own delivery
	 * would: Meta's signature covers only the body, so it travels as it is; Twilio's covers the
	 * URL, so it is made anew for `url` with the credential's Auth Token.
	 */
	forwardHeaders(request: WebhookRequest, url: string): Record<string, string>;
	/**
	 * What registration in `mode` sets the webhook on, from the credential: the phone number ID,
	 * WABA ID or app ID (Meta), the sender's number or the Messaging Service SID (Twilio).
	 * Undefined when the credential does not name it.
	 */
	webhookResource(mode: WebhookMode): string | undefined;
	/** `body` as n8n parsed it; each provider knows whether it posts JSON or a form. */
	parseWebhook(request: { body: unknown }): UnifiedEvent[];
	downloadMedia(media: InboundMedia): Promise<DownloadedMedia>;
	/** Stores a file with the provider for sending by ID; UnsupportedError where there is no such API. */
	uploadMedia(file: BinaryFile): Promise<UploadedMedia>;
	/** Every media the reference names, with download URLs. */
	getMedia(ref: MediaRef): Promise<MediaInfo[]>;
	/** Opens the referenced media (a message's first) as a stream, with the credential's auth. */
	openMedia(ref: MediaRef): Promise<DownloadedMedia>;
	deleteMedia(ref: MediaRef): Promise<DeletedMedia>;
	/** One page of templates with their components, for Template › Get Many. */
	queryTemplates(query: TemplateQuery): Promise<TemplateInfoPage>;
	getTemplateInfo(ref: TemplateRef): Promise<TemplateInfo>;
	/** Validates every WhatsApp rule first, then creates (and, if asked, submits) the template. */
	createTemplate(template: NewTemplate): Promise<TemplateInfo>;
	deleteTemplate(target: TemplateDeletion): Promise<DeletedTemplate>;
	/** The business's own profile and sending number. */
	getBusinessProfile(choice?: SenderChoice): Promise<BusinessProfileInfo>;
	updateBusinessProfile(update: BusinessProfileUpdate, choice?: SenderChoice): Promise<BusinessProfileInfo>;
	/** What the provider can tell about a customer's number; UnsupportedError where nothing. */
	getContactProfile(phoneNumber: E164, choice?: ContactLookupChoice): Promise<ContactProfile>;
	/**
	 * The business number this credential sends from, as the conversation store files it (its
	 * scope): Meta's phone number ID, or the Twilio WhatsApp sender's E.164 number. Undefined when
	 * the credential names no number (Twilio with a Messaging Service only).
	 */
	readonly businessKey: string | undefined;
	/**
	 * One message's status and details, read from the provider. Absent where the provider keeps
	 * none (Meta): the conversation store, fed by the trigger, answers instead.
	 */
	getMessage?(messageId: string): Promise<StoredMessage>;
	/** Messages with one contact, both directions, newest first. Absent like getMessage. */
	getChatHistory?(query: ChatHistoryQuery): Promise<StoredMessage[]>;
	/**
	 * Account › Check Setup: reads what decides whether messages flow (token or account, number or
	 * sender, subscriptions, where webhooks go). A look-up that fails becomes a finding with ok
	 * false; it never throws for one. Absent where a provider has nothing to check.
	 */
	checkSetup?(choice?: SetupChoice): Promise<SetupReport>;
}

export interface SendOptions {
	/** Send without the quote where the provider has no quoted replies, instead of failing. */
	dropUnsupportedQuote?: boolean;
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
