import type { TwilioCredentials } from '../types';
import type { TwilioClient } from './client';
import type { TwilioSender } from './messages';

/** What Twilio's feature modules (templates, profile, history) need from the provider. */
export interface TwilioContext {
	client: TwilioClient;
	credentials: TwilioCredentials;
	accountSid: string;
	sender: TwilioSender;
}
