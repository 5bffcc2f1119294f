export { Sandbox, startSandbox, DEFAULT_MAX_BODY_BYTES } from './server';
export { DEFAULT_META_ACCOUNT, DEFAULT_TWILIO_ACCOUNT } from './accounts';
export { Chat, CHAT_PLACES, DEFAULT_CHAT_USER, DEFAULT_STATUS_DELAY_MS, MAX_CHAT_MESSAGES, TYPING_INDICATOR_MS, notListeningText } from './chat';
export type {
	ChatAction,
	ChatButton,
	ChatContact,
	ChatContent,
	ChatDelivery,
	ChatDirection,
	ChatHeader,
	ChatIdentityChange,
	ChatList,
	ChatListRow,
	ChatLocation,
	ChatMedia,
	ChatMediaKind,
	ChatMessage,
	ChatPlace,
	ChatSendResult,
	ChatSnapshot,
	ChatStatus,
	ChatStatusWebhook,
	ChatUser,
} from './chat';
export { OpenAiStandIn, OPENAI_STAND_IN_MODELS, LONG_ANSWER_LENGTH, decide as standInDecision, findSendTool, toolResultError } from './openAiStandIn';
export type {
	ChatCompletionMessage,
	ChatCompletionRequest,
	ChatCompletionTool,
	ChatCompletionToolCall,
	StandInDecision,
	StandInReason,
	StandInRecord,
} from './openAiStandIn';
export { TwilioSpec } from './twilioSpec';
export type { SpecCheckResult, SpecRequest } from './twilioSpec';
export { META_TEMPLATE_SEED, TEMPLATE_PAGE_DEFAULT, TEMPLATE_PAGE_MAX, templateVariables } from './metaTemplates';
export type {
	MetaNamedParamExample,
	MetaParameterFormat,
	MetaTemplate,
	MetaTemplateBody,
	MetaTemplateButton,
	MetaTemplateButtons,
	MetaTemplateCategory,
	MetaTemplateComponent,
	MetaTemplateFooter,
	MetaTemplateHeader,
	MetaTemplateInput,
	MetaTemplateStatus,
} from './metaTemplates';
export { META_MEDIA_LIMITS, MEDIA_STORE_MAX_BYTES } from './metaMedia';
export { INTERACTIVE_LIMITS, CONTACTS_MAX, CAPTION_MAX, TEXT_BODY_MAX } from './metaMessages';
export { TWILIO_CONTENT_SEED, CONTENT_LIMITS, CONTENT_PAGE_DEFAULT, contentPlaceholders } from './twilioContent';
export type { TwilioApprovalStatus, TwilioContent, TwilioContentApproval, TwilioContentInput } from './twilioContent';
export {
	createMetaPayloadBuilders,
	createTwilioParamsBuilders,
	metaJson,
	metaPayload,
	sampleMediaBytes,
	twilioParams,
} from './webhookPayloads';
export type {
	InboundMetaMedia,
	InboundTwilioMedia,
	MetaBatchOptions,
	MetaInboundType,
	MetaMessageInput,
	MetaPayloadBuilders,
	MetaPayloadOptions,
	MetaStatusInput,
	MetaStatusValue,
	MetaTemplateStatusInput,
	MetaUserIdChangeInput,
	MetaWebhookPayload,
	TwilioInboundType,
	TwilioMediaInput,
	TwilioMessageInput,
	TwilioParamsBuilders,
	TwilioParamsOptions,
	TwilioStatusInput,
	TwilioStatusValue,
} from './webhookPayloads';
export type { DeliverMetaOptions, DeliverTwilioOptions } from './deliver';
export { META_OVERRIDE_FIELDS, META_WEBHOOK_FIELDS, OTHER_SENDER_NUMBER, senderSid } from './webhookState';
export type { TwilioMedia } from './webhookState';
export { OVERRIDE_URI_MAX, META_APP_NAME } from './metaWebhooks';
export { DEFAULT_OFFLINE_REASON, META_TOKEN_SCOPES } from './setupCheck';
export type { MetaSetupFaults, SetupFaults, TwilioSetupFaults, WebhookSeed } from './setupCheck';
export type {
	DeliveryAnswer,
	DeliveryRecord,
	HandshakeRecord,
	MetaDeliveryRecord,
	MetaWebhooks,
	SignatureMode,
	TwilioDeliveryRecord,
	TwilioSenderView,
	TwilioSenderWebhook,
	TwilioServiceView,
	TwilioWebhooks,
	FaultKind,
	FaultOptions,
	InjectedResponse,
	InjectMatch,
	MetaAccount,
	OutboundMessage,
	PairRateLimitOptions,
	Provider,
	RateLimitOptions,
	RecordedRequest,
	SandboxCounters,
	SandboxOptions,
	StoredMedia,
	TwilioAccount,
} from './types';
