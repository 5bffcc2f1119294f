import type { AxiosInstance } from 'axios';

import { CredentialError } from '../CredentialError';
import type { WebhookRecord, WebhookState, WebhookTarget } from '../types';
import { webhookState } from '../webhookState';

/** The Meta app webhook fields that carry the chosen events. */
function metaAppFields(events: string[]): string[] {
	const fields = new Set<string>();
	// Identity changes come as system messages. (`user_id_update`, which partners name, is not a
	// field Meta lists for subscriptions, so it is not asked for.)
	if (events.some((e) => e === 'messages' || e === 'statuses' || e === 'errors' || e === 'identity')) fields.add('messages');
	if (events.includes('templates')) {
		['message_template_status_update', 'message_template_quality_update', 'template_category_update'].forEach((f) => fields.add(f));
	}
	if (events.includes('account')) {
		['account_update', 'account_alerts', 'phone_number_quality_update', 'phone_number_name_update', 'business_capability_update', 'security'].forEach((f) =>
			fields.add(f),
		);
	}
	return [...fields];
}

/** GET /{phone-number-id}?fields=webhook_configuration (Meta's webhook override page). */
export interface MetaPhoneWebhooks {
	phone_number?: string;
	whatsapp_business_account?: string;
	application?: string;
}

/** An entry of GET /{waba-id}/subscribed_apps. */
export interface MetaSubscribedApp {
	whatsapp_business_api_data?: { id?: string; name?: string; link?: string };
	override_callback_uri?: string;
}

/** An entry of GET /{app-id}/subscriptions. */
export interface MetaAppSubscription {
	object?: string;
	callback_url?: string;
	active?: boolean;
	fields?: Array<{ name?: string; version?: string } | string>;
}

interface MetaWebhookIds {
	phoneNumberId: string;
	wabaId?: string;
	appId?: string;
	appSecret?: string;
}

function need(value: string | undefined, what: string): string {
	if (!value) {
		throw new CredentialError(
			`The Meta credential has no ${what}`,
			`Fill in "${what}" in the WhatsApp Omni Meta credential: this webhook registration needs it. Or choose another registration, or Manual.`,
		);
	}
	return encodeURIComponent(value);
}

/** Meta's webhook registration calls for the three automatic modes. */
export class MetaWebhookRegistration {
	constructor(
		private readonly client: AxiosInstance,
		private readonly ids: MetaWebhookIds,
	) {}

	/** App subscriptions take an app access token, which is the app's ID and secret joined. */
	private get appToken() {
		return { Authorization: `Bearer ${need(this.ids.appId, 'App ID')}|${need(this.ids.appSecret, 'App Secret')}` };
	}

	/** Whether the credential has what app subscriptions need (App ID and App Secret). */
	get hasAppCredentials(): boolean {
		return !!this.ids.appId && !!this.ids.appSecret;
	}

	/**
	 * The number's `webhook_configuration`: its own override and, as Meta resolves them for it, the
	 * WABA's override and the app's callback URL.
	 */
	async readPhoneWebhooks(): Promise<MetaPhoneWebhooks> {
		const { data } = await this.client.get<{ webhook_configuration?: MetaPhoneWebhooks }>(encodeURIComponent(this.ids.phoneNumberId), {
			params: { fields: 'webhook_configuration' },
		});
		return data.webhook_configuration ?? {};
	}

	/** The apps subscribed to the WABA (GET /{waba-id}/subscribed_apps), with their overrides. */
	async readSubscribedApps(): Promise<MetaSubscribedApp[]> {
		const { data } = await this.client.get<{ data?: MetaSubscribedApp[] }>(`${need(this.ids.wabaId, 'WhatsApp Business Account ID')}/subscribed_apps`);
		return data.data ?? [];
	}

	/** This credential's app among the subscribed apps (the only one, when the credential has no App ID). */
	ourSubscribedApp(apps: MetaSubscribedApp[]): MetaSubscribedApp | undefined {
		return apps.find((app) => app.whatsapp_business_api_data?.id === this.ids.appId) ?? (apps.length === 1 && !this.ids.appId ? apps[0] : undefined);
	}

	/** The app's webhook subscription for WhatsApp Business Accounts (needs the App ID and App Secret). */
	async readAppSubscription(): Promise<MetaAppSubscription | undefined> {
		const { data } = await this.client.get<{ data?: MetaAppSubscription[] }>(`${need(this.ids.appId, 'App ID')}/subscriptions`, {
			headers: this.appToken,
		});
		return data.data?.find((s) => s.object === 'whatsapp_business_account');
	}

	async check(target: WebhookTarget): Promise<WebhookState> {
		switch (target.mode) {
			case 'phoneNumber': {
				const configuration = await this.readPhoneWebhooks();
				return webhookState(configuration.phone_number, target.url, 'the phone number’s webhook override');
			}
			case 'businessAccount': {
				const app = await this.subscribedApp();
				return webhookState(app?.override_callback_uri, target.url, 'the WhatsApp Business Account’s webhook override');
			}
			case 'app': {
				const subscription = await this.readAppSubscription();
				return webhookState(subscription?.active !== false ? subscription?.callback_url : undefined, target.url, 'the Meta app’s webhook callback');
			}
			default:
				return { state: 'absent' };
		}
	}

	async register(target: WebhookTarget): Promise<WebhookRecord> {
		const record: WebhookRecord = { mode: target.mode, url: target.url, verifyToken: target.verifyToken };
		switch (target.mode) {
			case 'phoneNumber':
				// The WABA must have the app subscribed, or no event of it is sent anywhere.
				await this.client.post(`${need(this.ids.wabaId, 'WhatsApp Business Account ID')}/subscribed_apps`);
				await this.client.post(encodeURIComponent(this.ids.phoneNumberId), {
					webhook_configuration: { override_callback_uri: target.url, verify_token: target.verifyToken },
				});
				return record;
			case 'businessAccount':
				await this.client.post(`${need(this.ids.wabaId, 'WhatsApp Business Account ID')}/subscribed_apps`, {
					override_callback_uri: target.url,
					verify_token: target.verifyToken,
				});
				return record;
			case 'app':
				if (this.ids.wabaId) await this.client.post(`${need(this.ids.wabaId, 'WhatsApp Business Account ID')}/subscribed_apps`);
				await this.client.post(
					`${need(this.ids.appId, 'App ID')}/subscriptions`,
					new URLSearchParams({
						object: 'whatsapp_business_account',
						callback_url: target.url,
						fields: metaAppFields(target.events ?? ['messages']).join(','),
						verify_token: target.verifyToken ?? '',
						include_values: 'true',
					}).toString(),
					{ headers: { ...this.appToken, 'Content-Type': 'application/x-www-form-urlencoded' } },
				);
				return record;
			default:
				return record;
		}
	}

	/** Removes only what points at this workflow's URL; another workflow's registration stays. */
	async unregister(record: WebhookRecord): Promise<void> {
		const current = await this.check({ mode: record.mode, url: record.url });
		if (current.state !== 'ours') return;
		switch (record.mode) {
			case 'phoneNumber':
				await this.client.post(encodeURIComponent(this.ids.phoneNumberId), {
					webhook_configuration: { override_callback_uri: '' },
				});
				return;
			case 'businessAccount':
				// Posting without a body keeps the app subscribed and drops the override.
				await this.client.post(`${need(this.ids.wabaId, 'WhatsApp Business Account ID')}/subscribed_apps`);
				return;
			case 'app':
				await this.client.delete(`${need(this.ids.appId, 'App ID')}/subscriptions`, {
					params: { object: 'whatsapp_business_account' },
					headers: this.appToken,
				});
				return;
		}
	}

	private async subscribedApp() {
		const apps = await this.readSubscribedApps();
		return apps.find((app) => app.whatsapp_business_api_data?.id === this.ids.appId) ?? (apps.length === 1 ? apps[0] : undefined);
	}
}
