import type { MetaAccount, TwilioAccount } from './types';

// Fixed rather than random so a person can paste them into an n8n credential once and keep
// using them across sandbox restarts. They look real enough to pass format checks and are
// obviously fake to anyone reading them (c0ffee, 5a1db0x).

export const DEFAULT_META_ACCOUNT: Readonly<MetaAccount> = Object.freeze({
	accessToken: 'EAAG-sandbox-token',
	phoneNumberId: '106540352242922',
	wabaId: '102290129340398',
	displayPhoneNumber: '+1 555-010-0000',
	verifiedName: 'Omni Sandbox',
	appId: '1234567890',
	appSecret: 'sandbox-app-secret',
});

export const DEFAULT_TWILIO_ACCOUNT: Readonly<TwilioAccount> = Object.freeze({
	accountSid: 'ACc0ffee5a1db0c0ffee5a1db0c0ffee00',
	authToken: '5a1db0c0ffee5a1db0c0ffee5a1db0aa',
	apiKeySid: 'SKc0ffee5a1db0c0ffee5a1db0c0ffee01',
	apiKeySecret: 'SandboxApiKeySecret5a1db0c0ffee2',
	whatsAppNumber: 'whatsapp:+14155238886',
	messagingServiceSid: 'MGc0ffee5a1db0c0ffee5a1db0c0ffee03',
});
