import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { conversationStore, providerScope, STORE_URL_VARIABLE, storeWarning } from '../../helpers/conversationStore';
import { PROVIDER_NAMES, type ProviderName, type SetupFinding, type SetupReport, type WhatsAppProvider } from '../../providers/types';
import { UnsupportedError } from '../../providers/UnsupportedError';
import type { ConversationStore, DeliveryTally, StoreScope } from '../../store/types';
import { readSenderChoice, twilioSenderOptions } from '../contact/getProfileInfo.operation';
import { publicHttpsProblem } from './publicUrl';

/** Rejected deliveries older than this are history, not a current problem. */
export const REJECTIONS_WINDOW_MS = 24 * 60 * 60 * 1000;

const properties: INodeProperties[] = [
	twilioSenderOptions(),
];

export const description = updateDisplayOptions({ show: { resource: ['account'], operation: ['checkSetup'] } }, properties);

/**
 * The rejection reasons the WhatsApp Omni Trigger records in the store (getDeliveries), and the
 * fix for each. The strings are the trigger's; a reason not listed here still gets an item.
 */
export const REJECTION_FIXES: Record<string, Record<ProviderName, string>> = {
	'signature mismatch': {
		meta: 'The App Secret in the credential is not this app’s: copy the App Secret of the app that sends the webhooks (App Dashboard › App settings › Basic) into the WhatsApp Omni Meta credential.',
		twilio: 'The Auth Token in the credential is not this account’s, or the URL Twilio signs differs from n8n’s (set WEBHOOK_URL to n8n’s public URL): correct whichever it is.',
	},
	'wrong verify token': {
		meta: 'The verify token does not match: publish the workflow again so the trigger registers a fresh one, or with Manual registration copy the trigger’s verify token into Meta’s webhook settings again.',
		twilio: 'The verify token does not match: publish the workflow again so the trigger registers afresh, or with Manual registration copy the trigger’s settings again.',
	},
	'unknown number': {
		meta: 'The delivery was for a number this credential does not have: give that number a trigger with its own credential, or take its webhook away from this URL.',
		twilio: 'The delivery was for a number this credential does not have: give that number a trigger with its own credential, or take its webhook away from this URL.',
	},
	'not a webhook of this provider': {
		meta: 'Something other than Meta posts to the trigger’s URL (another provider, a test tool or a scanner): find which service has this URL and correct it.',
		twilio: 'Something other than Twilio posts to the trigger’s URL (another provider, a test tool or a scanner): find which service has this URL and correct it.',
	},
};

const OTHER_REJECTION_FIX = 'Look in n8n’s log for the WhatsApp Omni Trigger’s message about this reason, and correct what it names.';

const STORE_FIX = `Check that the conversation store (set by ${STORE_URL_VARIABLE}) is reachable from this n8n, then run the check again.`;

/** `signature mismatch` → `signatureMismatch`: the rejection's part of its check id. */
function reasonId(reason: string): string {
	const words = reason
		.toLowerCase()
		.split(/[^a-z0-9]+/)
		.filter(Boolean);
	return words.map((word, index) => (index === 0 ? word : word[0].toUpperCase() + word.slice(1))).join('') || 'other';
}

function ago(ms: number): string {
	const minutes = Math.round(ms / 60_000);
	if (minutes < 1) return 'less than a minute ago';
	if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
	const hours = Math.round(minutes / 60);
	if (hours < 48) return `${hours} hours ago`;
	return `${Math.round(hours / 24)} days ago`;
}

type StoreAccess = { store: ConversationStore } | { error: unknown };

/** Where the webhooks go could not be read, or nothing is set: the URL checks cannot run. */
function withoutUrls(check: string, title: string, report: SetupReport): SetupFinding | undefined {
	if (!report.webhooks) {
		const unknown = report.webhooksUnknown ?? { found: 'where the webhooks go could not be read', fix: 'Run the check again.' };
		return { check, title, ok: false, found: `not checked: ${unknown.found}`, fix: unknown.fix };
	}
	if (report.webhooks.length === 0) {
		return {
			check,
			title,
			ok: false,
			found: 'not checked: no webhook URL is set (see webhook.destination)',
			fix: 'Publish a workflow with the WhatsApp Omni Trigger for this credential: it points the webhooks at its own URL.',
		};
	}
	return undefined;
}

async function publishedFinding(report: SetupReport, access: StoreAccess): Promise<SetupFinding> {
	const check = 'webhook.published';
	const title = 'The webhooks go to a published WhatsApp Omni Trigger of this n8n';
	const missing = withoutUrls(check, title, report);
	if (missing) return missing;
	if ('error' in access) return { check, title, ok: false, found: storeWarning('not checked', access.error), fix: STORE_FIX };
	const found: string[] = [];
	const published: IDataObject[] = [];
	let ok = true;
	try {
		for (const hook of report.webhooks ?? []) {
			const listeners = await access.store.listenersAt(hook.url);
			published.push({ url: hook.url, carries: hook.carries, workflowIds: [...new Set(listeners.map((l) => l.workflowId))] });
			if (listeners.length > 0) {
				const workflows = [...new Set(listeners.map((l) => l.workflowId))];
				found.push(`${hook.url} (${hook.carries}) is the production URL of the WhatsApp Omni Trigger in workflow ${workflows.join(', ')}`);
			} else {
				ok = false;
				const test = /\/webhook-test\//.test(hook.url) ? ', and it is an n8n test URL, which listens only while the editor waits for a test event' : '';
				found.push(`${hook.url} (${hook.carries}, ${hook.where}) is not the URL of a published WhatsApp Omni Trigger of this n8n${test}`);
			}
		}
	} catch (error) {
		return { check, title, ok: false, found: storeWarning('not checked', error, access.store), fix: STORE_FIX };
	}
	return {
		check,
		title,
		ok,
		found: found.join('; '),
		...(ok
			? {}
			: {
					fix: 'Publish the workflow with the WhatsApp Omni Trigger for this credential again so it points the webhooks at its own URL (with Manual registration, paste the trigger’s production URL where the webhooks are set).',
				}),
		details: { published },
	};
}

function publicHttpsFinding(report: SetupReport, provider: ProviderName): SetupFinding {
	const check = 'webhook.publicHttps';
	const title = 'The webhook URL is public HTTPS';
	const missing = withoutUrls(check, title, report);
	if (missing) return missing;
	const hooks = report.webhooks ?? [];
	const problems = hooks.map((hook) => ({ hook, problem: publicHttpsProblem(hook.url) })).filter((entry) => entry.problem);
	if (problems.length === 0) {
		return { check, title, ok: true, found: `${hooks.map((hook) => hook.url).join(' and ')} ${hooks.length === 1 ? 'is' : 'are'} public HTTPS`, details: { urls: hooks.map((h) => h.url) } };
	}
	return {
		check,
		title,
		ok: false,
		found: problems.map(({ hook, problem }) => `${hook.url} (${hook.carries}) ${problem}`).join('; '),
		fix: `Give n8n a public https:// address (set WEBHOOK_URL to it, e.g. behind a reverse proxy or a tunnel) and publish the workflow with the trigger again, so ${PROVIDER_NAMES[provider]} can reach it.`,
		details: { urls: hooks.map((h) => h.url) },
	};
}

/** The business number the store files this credential's deliveries under. */
function deliveryScope(provider: WhatsAppProvider, report: SetupReport): StoreScope | undefined {
	return providerScope(provider) ?? (report.businessKey ? { provider: provider.name, business: report.businessKey } : undefined);
}

async function deliveryFindings(provider: WhatsAppProvider, report: SetupReport, access: StoreAccess, now: number): Promise<SetupFinding[]> {
	const last = { check: 'deliveries.lastAccepted', title: 'A webhook delivery reached a trigger of this n8n' };
	const rejected = { check: 'deliveries.rejected', title: 'No webhook delivery was rejected in the last 24 hours' };
	const scope = deliveryScope(provider, report);
	if (!scope) {
		const fix = 'Fill in "WhatsApp Number" in the WhatsApp Omni Twilio credential (or give the sender SID under Options): the store keeps deliveries per business number.';
		const found = 'not checked: the credential names no business number, and the store keeps deliveries per number';
		return [
			{ ...last, ok: false, found, fix },
			{ ...rejected, ok: false, found, fix },
		];
	}
	if ('error' in access) {
		const found = storeWarning('not checked', access.error);
		return [
			{ ...last, ok: false, found, fix: STORE_FIX },
			{ ...rejected, ok: false, found, fix: STORE_FIX },
		];
	}
	let tallies: DeliveryTally[];
	try {
		tallies = await access.store.getDeliveries(scope);
	} catch (error) {
		const found = storeWarning('not checked', error, access.store);
		return [
			{ ...last, ok: false, found, fix: STORE_FIX },
			{ ...rejected, ok: false, found, fix: STORE_FIX },
		];
	}
	const name = PROVIDER_NAMES[provider.name];
	const findings: SetupFinding[] = [];

	const accepted = tallies.filter((tally) => !tally.rejectedBecause);
	if (accepted.length === 0) {
		findings.push({
			...last,
			ok: false,
			found: `the conversation store has recorded no accepted delivery for ${scope.business}: no webhook from ${name} has reached a trigger of this n8n yet`,
			fix: 'Publish a workflow with the WhatsApp Omni Trigger and send a message to the number.',
			details: { business: scope.business, acceptedCount: 0 },
		});
	} else {
		const lastAt = accepted.map((tally) => tally.lastAt).sort().at(-1) as string;
		const firstAt = accepted.map((tally) => tally.firstAt).sort()[0];
		const count = accepted.reduce((sum, tally) => sum + tally.count, 0);
		findings.push({
			...last,
			ok: true,
			found: `the last accepted delivery for ${scope.business} arrived at ${lastAt} (${ago(now - Date.parse(lastAt))}); ${count} accepted since ${firstAt}`,
			details: { business: scope.business, lastAcceptedAt: lastAt, acceptedCount: count, acceptedSince: firstAt },
		});
	}

	// One item per reason rejected within the window, each with its own fix.
	const byReason = new Map<string, { count: number; firstAt: string; lastAt: string }>();
	for (const tally of tallies) {
		const reason = tally.rejectedBecause;
		if (!reason || !(Date.parse(tally.lastAt) >= now - REJECTIONS_WINDOW_MS)) continue;
		const entry = byReason.get(reason);
		if (!entry) byReason.set(reason, { count: tally.count, firstAt: tally.firstAt, lastAt: tally.lastAt });
		else {
			entry.count += tally.count;
			if (tally.firstAt < entry.firstAt) entry.firstAt = tally.firstAt;
			if (tally.lastAt > entry.lastAt) entry.lastAt = tally.lastAt;
		}
	}
	if (byReason.size === 0) {
		findings.push({ ...rejected, ok: true, found: `no delivery for ${scope.business} was rejected in the last 24 hours`, details: { business: scope.business } });
	}
	const reasons = [...byReason.entries()].sort((a, b) => (a[1].lastAt < b[1].lastAt ? 1 : -1));
	for (const [reason, entry] of reasons) {
		findings.push({
			check: `deliveries.rejected.${reasonId(reason)}`,
			title: `Webhook deliveries rejected: ${reason}`,
			ok: false,
			found: `${entry.count} deliver${entry.count === 1 ? 'y' : 'ies'} for ${scope.business} rejected (${reason}) since ${entry.firstAt}, the last at ${entry.lastAt} (${ago(now - Date.parse(entry.lastAt))})`,
			fix: REJECTION_FIXES[reason]?.[provider.name] ?? OTHER_REJECTION_FIX,
			details: { business: scope.business, reason, count: entry.count, firstAt: entry.firstAt, lastAt: entry.lastAt },
		});
	}
	return findings;
}

const RESERVED = new Set(['check', 'title', 'ok', 'found', 'fix']);

/** One output item: check, title, ok, found, the fix when not ok, then the details. */
export function findingJson(finding: SetupFinding): IDataObject {
	const details = Object.fromEntries(Object.entries(finding.details ?? {}).filter(([key]) => !RESERVED.has(key)));
	return {
		check: finding.check,
		title: finding.title,
		ok: finding.ok,
		found: finding.found,
		...(!finding.ok && finding.fix ? { fix: finding.fix } : {}),
		...(details as IDataObject),
	};
}

/** Every check, in order: the provider's, then where the webhooks go, then what the store saw. */
export async function setupFindings(provider: WhatsAppProvider, report: SetupReport, now = Date.now()): Promise<SetupFinding[]> {
	let access: StoreAccess;
	try {
		access = { store: await conversationStore() };
	} catch (error) {
		access = { error };
	}
	return [
		...report.findings,
		await publishedFinding(report, access),
		publicHttpsFinding(report, provider.name),
		...(await deliveryFindings(provider, report, access, now)),
	];
}

export async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<IDataObject[]> {
	if (!provider.checkSetup) {
		throw new UnsupportedError(
			provider.name,
			`Check Setup is not available for ${PROVIDER_NAMES[provider.name]}`,
			'Check the provider’s console for the account, number and webhook settings.',
		);
	}
	const report = await provider.checkSetup(readSenderChoice.call(this, itemIndex, provider));
	return (await setupFindings(provider, report)).map(findingJson);
}
