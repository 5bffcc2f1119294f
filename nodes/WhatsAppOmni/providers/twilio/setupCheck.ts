/**
 * Account › Check Setup on Twilio: the look-ups that decide whether messages flow, each turned
 * into findings (twilio-node 6.x resources, see shared/reference/api-facts.md §3.2):
 *   GET api /2010-04-01/Accounts/{Sid}.json      status (active | suspended | closed), type (Trial | Full)
 *   GET messaging /v2/Channels/Senders[/{Sid}]   status (ONLINE, OFFLINE, …), offline_reasons,
 *                                                webhook{callback_url, status_callback_url}
 *   GET messaging /v1/Services/{Sid}             inbound_request_url, status_callback,
 *                                                use_inbound_webhook_on_number
 * A look-up that fails becomes a finding with ok false; the other look-ups still run.
 */
import { describeLookupFailure, failedFinding, redactReport, settle, type Settled } from '../setupFindings';
import type { SetupChoice, SetupFinding, SetupReport, SetupWebhookUrl, TwilioCredentials } from '../types';
import type { TwilioContext } from './context';
import type { TwilioWebhookRegistration } from './webhookRegistration';


/** What a failed look-up found and what to do, with Twilio's code and message. */
export function describeTwilioFailure(error: Error): { found: string; fix: string } {
	return describeLookupFailure('Twilio', error, 'Try again; if it keeps failing, check the credential and that n8n can reach api.twilio.com and messaging.twilio.com.');
}

function failed(check: string, title: string, error: Error): SetupFinding {
	return failedFinding(check, title, describeTwilioFailure(error));
}

/** The fields of the SDK's resources this check reads. */
interface AccountView {
	sid?: string;
	friendlyName?: string;
	status?: string;
	type?: string;
}

interface SenderView {
	sid?: string;
	senderId?: string;
	status?: string;
	webhook?: { callbackUrl?: string | null; statusCallbackUrl?: string | null } | null;
	offlineReasons?: Array<{ code?: string | null; message?: string | null }> | null;
	properties?: { qualityRating?: string | null; messagingLimit?: string | null } | null;
}

interface ServiceView {
	sid?: string;
	inboundRequestUrl?: string | null;
	statusCallback?: string | null;
	useInboundWebhookOnNumber?: boolean;
}

function accountFindings(result: Settled<AccountView>): SetupFinding[] {
	const titles = { active: 'The Twilio account is active', type: 'The Twilio account is upgraded (not a trial)' };
	if (!result.ok) return [failed('account.active', titles.active, result.error), failed('account.type', titles.type, result.error)];
	const account = result.value;
	const label = `${account.friendlyName ? `“${account.friendlyName}” ` : ''}(${account.sid ?? 'unknown SID'})`;
	const status = account.status?.toLowerCase();
	const details = { accountStatus: account.status ?? null, accountType: account.type ?? null };
	const active: SetupFinding =
		status === 'active'
			? { check: 'account.active', title: titles.active, ok: true, found: `the account ${label} is active`, details }
			: {
					check: 'account.active',
					title: titles.active,
					ok: false,
					found: `the account ${label} is ${account.status ?? 'in an unknown state'}: Twilio sends and receives nothing for it`,
					fix:
						status === 'closed'
							? 'The account is closed: use the credential of an active Twilio account.'
							: 'Reactivate the account: the notice in the Twilio Console says why it was suspended (often an unpaid balance or a compliance hold), or ask Twilio support.',
					details,
				};
	const trial = account.type?.toLowerCase() === 'trial';
	const type: SetupFinding = trial
		? {
				check: 'account.type',
				title: titles.type,
				ok: false,
				found: 'a Trial account: only numbers verified in the account can be messaged',
				fix: 'Upgrade the account in the Twilio Console (its Upgrade button, with billing details) to message any WhatsApp user.',
				details,
			}
		: { check: 'account.type', title: titles.type, ok: true, found: `a ${account.type ?? 'Full'} account`, details };
	return [active, type];
}

const ONLINE = ['ONLINE', 'ONLINE:UPDATING'];

function senderFinding(result: Settled<SenderView>): SetupFinding {
	const title = 'The WhatsApp sender is ONLINE';
	if (!result.ok) return failed('sender.online', title, result.error);
	const sender = result.value;
	const label = `${sender.senderId ?? 'the sender'} (${sender.sid ?? 'unknown SID'})`;
	const status = sender.status?.toUpperCase();
	const reasons = (sender.offlineReasons ?? []).map((reason) => [reason?.code, reason?.message].filter(Boolean).join(': ')).filter(Boolean);
	const details = {
		senderSid: sender.sid ?? null,
		sender: sender.senderId ?? null,
		senderStatus: sender.status ?? null,
		...(reasons.length ? { offlineReasons: reasons } : {}),
		...(sender.properties?.qualityRating ? { qualityRating: sender.properties.qualityRating } : {}),
		...(sender.properties?.messagingLimit ? { messagingLimit: sender.properties.messagingLimit } : {}),
	};
	if (status && ONLINE.includes(status)) return { check: 'sender.online', title, ok: true, found: `${label} is ${sender.status}`, details };
	if (status === 'OFFLINE') {
		return {
			check: 'sender.online',
			title,
			ok: false,
			found: `${label} is OFFLINE${reasons.length ? `: ${reasons.join('; ')}` : ''}`,
			fix: 'Resolve the offline reason Twilio names in Console › Messaging › Senders › WhatsApp senders (often the Meta business or WhatsApp Business Account needs attention), then check again.',
			details,
		};
	}
	return {
		check: 'sender.online',
		title,
		ok: false,
		found: `${label} is ${sender.status ?? 'in an unknown state'}, not ONLINE yet`,
		fix: 'Finish the sender’s registration in Twilio Console › Messaging › Senders › WhatsApp senders: it sends and receives only once it is ONLINE.',
		details,
	};
}

export interface TwilioSetupContext extends TwilioContext {
	registration: TwilioWebhookRegistration;
}

export async function checkTwilioSetup(ctx: TwilioSetupContext, choice: SetupChoice = {}): Promise<SetupReport> {
	const { client, accountSid, registration, credentials } = ctx;
	const [account, sender, service] = await Promise.all([
		settle<AccountView>(() => client.api.v2010.accounts(accountSid).fetch()),
		settle<SenderView>(() => registration.readSender(choice.senderId?.trim() || undefined)),
		registration.hasMessagingService ? settle<ServiceView>(() => registration.readService()) : Promise.resolve(undefined),
	]);
	const findings: SetupFinding[] = [...accountFindings(account), senderFinding(sender)];

	// Where incoming messages go: the Messaging Service's inbound URL wins over the sender's webhook
	// unless the service defers to the number (use_inbound_webhook_on_number).
	const title = 'Incoming messages and statuses go to a webhook URL';
	let webhooks: SetupWebhookUrl[] | undefined;
	let webhooksUnknown: SetupReport['webhooksUnknown'];
	const serviceView = service?.ok ? service.value : undefined;
	const serviceWins = !!serviceView?.inboundRequestUrl && serviceView.useInboundWebhookOnNumber !== true;
	const unknownBecause = !sender.ok && !serviceWins ? sender.error : service && !service.ok ? service.error : undefined;
	if (unknownBecause) {
		const failure = describeTwilioFailure(unknownBecause);
		findings.push({ check: 'webhook.destination', title, ok: false, ...failure });
		webhooksUnknown = { found: `where the webhooks go could not be read (${failure.found})`, fix: failure.fix };
	} else {
		const senderWebhook = sender.ok ? (sender.value.webhook ?? {}) : {};
		const inbound = serviceWins
			? { url: serviceView?.inboundRequestUrl ?? undefined, where: 'the Messaging Service’s inbound URL' }
			: { url: senderWebhook.callbackUrl ?? undefined, where: 'the WhatsApp sender’s webhook' };
		const statuses = senderWebhook.statusCallbackUrl
			? { url: senderWebhook.statusCallbackUrl, where: 'the WhatsApp sender’s status callback' }
			: { url: serviceView?.statusCallback ?? undefined, where: 'the Messaging Service’s status callback' };
		const details = {
			messagesUrl: inbound.url ?? null,
			statusesUrl: statuses.url ?? null,
			senderWebhook: senderWebhook.callbackUrl ?? null,
			senderStatusCallback: senderWebhook.statusCallbackUrl ?? null,
			...(serviceView
				? {
						serviceInboundUrl: serviceView.inboundRequestUrl ?? null,
						serviceStatusCallback: serviceView.statusCallback ?? null,
						useInboundWebhookOnNumber: serviceView.useInboundWebhookOnNumber === true,
					}
				: {}),
		};
		const statusWords = statuses.url ? `statuses go to ${statuses.url} (${statuses.where})` : 'statuses are sent to no URL (no status callback is set)';
		if (inbound.url) {
			findings.push({ check: 'webhook.destination', title, ok: true, found: `incoming messages go to ${inbound.url} (${inbound.where}); ${statusWords}`, details });
		} else {
			findings.push({
				check: 'webhook.destination',
				title,
				ok: false,
				found: `no URL is set for incoming messages (${inbound.where} is empty); ${statusWords}`,
				fix: 'Publish a workflow with the WhatsApp Omni Trigger for this credential (it sets the sender’s webhook), or paste its production URL into the sender’s webhook in the Twilio Console.',
				details,
			});
		}
		webhooks = [];
		if (inbound.url) webhooks.push({ url: inbound.url, carries: 'messages', where: inbound.where });
		if (statuses.url) {
			const same = webhooks.find((hook) => hook.url === statuses.url);
			if (same) {
				same.carries = 'messages and statuses';
				if (same.where !== statuses.where) same.where = `${same.where} and ${statuses.where}`;
			} else {
				webhooks.push({ url: statuses.url, carries: 'statuses', where: statuses.where });
			}
		}
	}

	const senderNumber = sender.ok ? sender.value.senderId?.replace(/^whatsapp:/i, '') : undefined;
	const businessKey = ctx.sender.from?.replace(/^whatsapp:/i, '') ?? senderNumber;
	return redactReport(
		{ provider: 'twilio', findings, ...(webhooks ? { webhooks } : {}), ...(webhooksUnknown ? { webhooksUnknown } : {}), ...(businessKey ? { businessKey } : {}) },
		secretsOf(credentials),
	);
}

function secretsOf(credentials: TwilioCredentials): Array<string | undefined> {
	return [credentials.authToken, credentials.apiKeySecret];
}
