export { Sandbox, startSandbox } from './server';
export { DEFAULT_META_ACCOUNT, DEFAULT_TWILIO_ACCOUNT } from './accounts';
export { TwilioSpec } from './twilioSpec';
export type { SpecCheckResult, SpecRequest } from './twilioSpec';
export type {
	FaultKind,
	FaultOptions,
	InjectedResponse,
	InjectMatch,
	MetaAccount,
	Provider,
	RecordedRequest,
	SandboxOptions,
	TwilioAccount,
} from './types';
