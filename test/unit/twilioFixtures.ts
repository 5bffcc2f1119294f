import nock from 'nock';

import type { TwilioCredentials } from '../../nodes/WhatsAppOmni/providers/types';

/** The Auth Token credential the Twilio unit tests share, and nock for a Twilio host that expects it. */
export const ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
export const AUTH_TOKEN = 'unit-secret-auth-token-0123456789';
export const twilioCredentials: TwilioCredentials = {
	authType: 'authToken',
	accountSid: ACCOUNT,
	authToken: AUTH_TOKEN,
	whatsAppNumber: '+14155238886',
};

export const basicAuth = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** `host` is the first label of `https://<host>.twilio.com`: api, content, messaging, lookups. */
export const twilioHost = (host: string) =>
	nock(`https://${host}.twilio.com`, { reqheaders: { authorization: basicAuth(ACCOUNT, AUTH_TOKEN) } });
