import type { IDataObject, IHookFunctions, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import type { AutomaticHandshake, WebhookRecord } from '../providers/types';
import { rejected, WRONG_VERIFY_TOKEN } from './deliveries';
import { providerName, registrationMode, triggerProvider } from './provider';

/**
 * Challenges echoed back: Meta's are numbers. Anything else (markup, script, a long string) is
 * refused like a wrong token, so the answer can never be a page served from n8n's origin.
 */
const SAFE_CHALLENGE = /^[A-Za-z0-9._-]{1,256}$/;

/**
 * What an automatic registration's verify token is bound to: this workflow, this node and its
 * webhook. The same in the activation hooks and in webhook(), on whichever n8n process runs them.
 */
export function verifyTokenBinding(this: IHookFunctions | IWebhookFunctions): string {
	const node = this.getNode();
	return ['whatsapp-omni-trigger', this.getWorkflow().id ?? '', node.id ?? '', node.webhookId ?? ''].join('\n');
}

/** The handshake's answer: plain text that no browser sniffs into HTML. */
function reply(this: IWebhookFunctions, status: number, text: string): IWebhookResponseData {
	const response = this.getResponseObject();
	response.setHeader('X-Content-Type-Options', 'nosniff');
	response.status(status).type('text/plain').send(text);
	return { noWebhookResponse: true };
}

/**
 * The token this handshake must carry.
 *
 * Automatic registration (create in registration.ts) makes a token bound to this workflow, node
 * and webhook, with the time it was made in its nonce, and keeps it in the node's static data
 * with the registration; delete drops it. Static data is read here as n8n last saved it, and n8n
 * saves it only after webhookMethods.create returns — while Meta makes its handshake *during*
 * create (inside the registration request), possibly on another process (queue mode: a webhook
 * process reading the database). So during the activation's own handshake the saved data holds
 * the previous activation's token, or none; it holds this activation's token only once the
 * activation has finished. Hence isValidVerifyToken takes the saved token itself, and besides it
 * only a token made in the last minutes and newer than the saved one: the handshake of an
 * activation in progress. Refusing every token but the saved one would make such activations
 * fail for ever whenever a registration record outlived its webhook (removed in Meta's
 * dashboard, a failed deactivation); taking any token with a good mac would keep every token
 * ever issued valid. Reading here never changes the static data, so this request saves nothing
 * over what the activation saves.
 */
function automaticHandshake(this: IWebhookFunctions): AutomaticHandshake {
	const data = this.getWorkflowStaticData('node') as { registration?: WebhookRecord };
	return { binding: verifyTokenBinding.call(this), current: data.registration?.verifyToken };
}

/** The provider's URL verification (Meta's GET handshake): the challenge, or 403. */
export async function handleHandshake(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	// Always the credential n8n has now: a handshake is rare, and the one an activation makes
	// must match the token that activation just made with it.
	const name = providerName.call(this);
	const provider = await triggerProvider.call(this, name);
	if (!provider.answerHandshake) return reply.call(this, 405, 'Method Not Allowed');
	const query = this.getQueryData() as IDataObject;
	const answer =
		registrationMode.call(this, name) === 'manual'
			? provider.answerHandshake(query, this.getNodeParameter('verifyToken', '') as string)
			: provider.answerHandshake(query, undefined, automaticHandshake.call(this));
	if (answer === undefined || !SAFE_CHALLENGE.test(answer)) {
		const refused = reply.call(this, 403, 'Forbidden');
		await rejected.call(this, provider, WRONG_VERIFY_TOKEN);
		return refused;
	}
	return reply.call(this, 200, answer);
}
