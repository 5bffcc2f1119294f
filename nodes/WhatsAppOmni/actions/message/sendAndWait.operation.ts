/**
 * Message › Send and Wait for Response: sends a question (approval buttons, reply buttons, a list
 * or text) to one contact, records in the conversation store that this execution waits for the
 * contact's answer, and puts the execution to wait in n8n's own way. The WhatsApp Omni Trigger
 * that receives the contact's next message resumes it (trigger/answers.ts); n8n resumes it when
 * Limit Wait Time runs out.
 */
import {
	NodeOperationError,
	WAIT_INDEFINITELY,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { conversationStore, providerScope, recipientContact, storeWarning } from '../../helpers/conversationStore';
import { ValidationError } from '../../helpers/ValidationError';
import { APPROVE_ID, DECLINE_ID, resumeWaitingExecution, type ResumeBody } from '../../helpers/waits';
import type { MessageContent, WhatsAppProvider } from '../../providers/types';
import type { ConversationStore, Wait, WaitChoice } from '../../store/types';
import { isToolNode } from '../node.type';
import { readSendRecipient, recipientField, sendContent } from './send';
import { choiceFields, readContent as readInteractiveContent } from './sendInteractive.operation';

const DEFAULT_REPROMPT = 'Please tap one of the buttons to answer.';
const UNIT_MS: Record<string, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };
/** n8n keeps a waiting execution as long as asked; a year is past any conversation. */
const MAX_WAIT_MS = 366 * UNIT_MS.days;

const properties: INodeProperties[] = [
	recipientField,
	{
		displayName: 'Response Type',
		name: 'interactiveType',
		type: 'options',
		default: 'approval',
		options: [
			{ name: 'Approval', value: 'approval', description: 'Approve and Decline buttons (or Approve only)' },
			{ name: 'Free Text', value: 'text', description: 'A text question; the contact’s next message is the answer' },
			{ name: 'List', value: 'list', description: 'A button that opens a list of up to 10 choices' },
			{ name: 'Reply Buttons', value: 'buttons', description: 'Up to 3 buttons of your own' },
		],
		description: 'How the contact answers. The output’s answer holds the ID and title of the tapped button or row.',
	},
	{
		displayName: 'Message',
		name: 'body',
		type: 'string',
		default: '',
		required: true,
		typeOptions: { rows: 3 },
		description: 'The question. Up to 1,024 characters with buttons or a list, 4,096 as free text.',
	},
	{
		displayName: 'Approval Options',
		name: 'approvalType',
		type: 'options',
		default: 'double',
		options: [
			{ name: 'Approve and Decline', value: 'double' },
			{ name: 'Approve Only', value: 'single' },
		],
		description: 'Which buttons the question offers: the answer’s approved is true for Approve, false for Decline',
		displayOptions: { show: { interactiveType: ['approval'] } },
	},
	{
		displayName: 'Approve Button Label',
		name: 'approveLabel',
		type: 'string',
		default: '✓ Approve',
		description: 'Up to 20 characters',
		displayOptions: { show: { interactiveType: ['approval'] } },
	},
	{
		displayName: 'Decline Button Label',
		name: 'declineLabel',
		type: 'string',
		default: '✗ Decline',
		description: 'Up to 20 characters',
		displayOptions: { show: { interactiveType: ['approval'], approvalType: ['double'] } },
	},
	...choiceFields,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Accept',
				name: 'accept',
				type: 'options',
				default: 'choices',
				options: [
					{ name: 'Only a Tap on One of the Choices', value: 'choices', description: 'Or a message that is exactly a choice’s title' },
					{ name: 'Any Message', value: 'any', description: 'The contact’s next message, whatever it is' },
				],
				description: 'What counts as the answer to buttons or a list (a free-text question takes any message)',
			},
			{
				displayName: 'Footer',
				name: 'footer',
				type: 'string',
				default: '',
				description: 'Small grey text under buttons or a list, up to 60 characters (Twilio: added to the body in italics)',
			},
			{
				displayName: 'Limit Wait Time',
				name: 'limitWaitTime',
				type: 'fixedCollection',
				default: {},
				description: 'After this time the execution goes on with { timedOut: true }',
				options: [
					{
						displayName: 'Values',
						name: 'values',
						values: [
							{ displayName: 'Amount', name: 'amount', type: 'number', default: 1, typeOptions: { minValue: 1 } },
							{
								displayName: 'Unit',
								name: 'unit',
								type: 'options',
								default: 'hours',
								options: [
									{ name: 'Minutes', value: 'minutes' },
									{ name: 'Hours', value: 'hours' },
									{ name: 'Days', value: 'days' },
								],
							},
						],
					},
				],
			},
			{
				displayName: 'Reminder When Not a Choice',
				name: 'reprompt',
				type: 'string',
				default: DEFAULT_REPROMPT,
				description:
					'Sent when Accept is "Only a Tap" and the contact writes something else; the wait goes on. Empty: nothing is sent.',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['message'], operation: ['sendAndWait'] } }, properties);

export const sendsMessages = true;

interface WaitOptions {
	accept?: 'any' | 'choices';
	footer?: string;
	limitWaitTime?: { values?: { amount?: number; unit?: string } };
	reprompt?: string;
}

interface Question {
	content: MessageContent;
	/** What it offers to tap (none for a free-text question). */
	choices: WaitChoice[];
	/** The Approval preset: the answer says `approved`. */
	approval: boolean;
}

/** The question as a message, and the choices it offers. */
async function readQuestion(this: IExecuteFunctions, itemIndex: number, options: WaitOptions): Promise<Question> {
	const kind = this.getNodeParameter('interactiveType', itemIndex, 'approval') as string;
	const body = this.getNodeParameter('body', itemIndex, '') as string;
	if (kind === 'text') return { content: { type: 'text', text: body }, choices: [], approval: false };
	if (kind === 'approval') {
		const choices: WaitChoice[] = [{ id: APPROVE_ID, title: this.getNodeParameter('approveLabel', itemIndex, '✓ Approve') as string }];
		if ((this.getNodeParameter('approvalType', itemIndex, 'double') as string) === 'double') {
			choices.push({ id: DECLINE_ID, title: this.getNodeParameter('declineLabel', itemIndex, '✗ Decline') as string });
		}
		const content: MessageContent = { type: 'interactive', kind: 'buttons', body, buttons: choices, ...(options.footer ? { footer: options.footer } : {}) };
		return { content, choices, approval: true };
	}
	if (kind !== 'buttons' && kind !== 'list') throw new ValidationError('Response Type', `"${kind}" is not a response type; use approval, buttons, list or text`);
	const content = await readInteractiveContent.call(this, itemIndex);
	if (content.type !== 'interactive') throw new ValidationError('Response Type', `"${kind}" did not give buttons or a list`);
	const choices =
		content.kind === 'buttons'
			? content.buttons.map(({ id, title }) => ({ id, title }))
			: content.kind === 'list'
				? content.sections.flatMap((section) => section.rows.map(({ id, title }) => ({ id, title })))
				: [];
	return { content, choices, approval: false };
}

function readLimitMs(options: WaitOptions): number | undefined {
	const values = options.limitWaitTime?.values;
	if (!values) return undefined;
	const amount = Number(values.amount ?? 1);
	const unitMs = UNIT_MS[values.unit ?? 'hours'];
	if (!(amount > 0) || unitMs === undefined) {
		throw new ValidationError('Limit Wait Time', `${String(values.amount)} ${String(values.unit)} is not a time to wait; give a positive amount of minutes, hours or days`);
	}
	const ms = amount * unitMs;
	if (ms > MAX_WAIT_MS) throw new ValidationError('Limit Wait Time', `${amount} ${values.unit} is longer than a year`, 'Give at most 366 days.');
	return ms;
}

/**
 * Sends the question and records the wait; the node's execute then puts the execution to wait.
 * Everything that can be refused is checked before the question goes out: a question nobody can
 * wait for must not be sent.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<IDataObject> {
	if (isToolNode(this.getNode())) {
		throw new ValidationError(
			'Send and Wait',
			'it cannot run as an AI agent’s tool: an agent’s turn cannot wait hours for a person',
			'Let the agent use Send Interactive; the contact’s answer reaches the WhatsApp Omni Trigger, which can start the agent again with it.',
		);
	}
	if (this.getInputData().length > 1) {
		throw new ValidationError(
			'Send and Wait',
			`${this.getInputData().length} items came in, and one execution can wait for one answer`,
			'Send one question per execution: put the node after a trigger that starts one execution per person, or call a sub-workflow per item (Execute Workflow, one item each).',
		);
	}
	const to = readSendRecipient.call(this, itemIndex, provider);
	const options = this.getNodeParameter('options', itemIndex, {}) as WaitOptions;
	const { content, choices, approval } = await readQuestion.call(this, itemIndex, options);
	const limitMs = readLimitMs(options);
	const scope = providerScope(provider);
	if (!scope) {
		throw new ValidationError(
			'Send and Wait',
			'the Twilio credential names no sender number (From), only a Messaging Service, so answers cannot be told apart by business number',
			'Set the WhatsApp sender number (From) in the Twilio credential.',
		);
	}
	let store: ConversationStore;
	try {
		store = await conversationStore();
	} catch (error) {
		throw new NodeOperationError(this.getNode(), storeWarning('The question was not sent: waiting for its answer needs the conversation store', error), { itemIndex });
	}
	const resumeUrl = this.getSignedResumeUrl();
	const executionId = this.getExecutionId();

	const sent = await sendContent.call(this, itemIndex, provider, to, content, {});
	const startedAt = new Date();
	const wait: Wait = {
		id: `${executionId}/${this.getNode().id}`,
		executionId,
		resumeUrl,
		questionMessageId: String(sent.messageId),
		accept: choices.length === 0 ? 'any' : (options.accept ?? 'choices'),
		choices,
		// n8n leaves an untouched option out: the default applies then; an emptied one sends nothing.
		...((options.reprompt ?? DEFAULT_REPROMPT) ? { reprompt: options.reprompt ?? DEFAULT_REPROMPT } : {}),
		...(approval ? { approval: true } : {}),
		startedAt: startedAt.toISOString(),
		...(limitMs !== undefined ? { expiresAt: new Date(startedAt.getTime() + limitMs).toISOString() } : {}),
	};
	let superseded: Wait | undefined;
	try {
		superseded = await store.startWait(scope, recipientContact(to), wait);
	} catch (error) {
		throw new NodeOperationError(this.getNode(), storeWarning('The question was sent, but the wait for its answer could not be recorded', error), {
			itemIndex,
			description: `Question message ID ${wait.questionMessageId}. Running the node again sends the question again.`,
		});
	}
	const json: IDataObject = { ...sent, questionMessageId: wait.questionMessageId, waitingSince: wait.startedAt };
	if (wait.expiresAt) json.waitingUntil = wait.expiresAt;
	if (superseded) {
		// The older question is not answered any more: its execution goes on as superseded.
		const handed = await resumeWaitingExecution(superseded.resumeUrl, {
			outcome: 'superseded',
			questionMessageId: superseded.questionMessageId,
			startedAt: superseded.startedAt,
			supersededBy: { executionId, questionMessageId: wait.questionMessageId },
		});
		json.superseded = { executionId: superseded.executionId, questionMessageId: superseded.questionMessageId, resumed: handed.resumed };
	}
	return json;
}

/**
 * After the router sent the question: puts the execution to wait until the answer comes or the
 * time limit passes. When n8n resumes it for the time limit, the node does not run again: n8n
 * passes the node's input on. That input is made the timed-out item here, so the execution goes
 * on with { timedOut: true } rather than with what came in.
 */
export async function waitForAnswer(this: IExecuteFunctions, output: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const question = output[0];
	if (!question || question.json.error !== undefined || typeof question.json.questionMessageId !== 'string') return [output];
	const until = typeof question.json.waitingUntil === 'string' ? new Date(question.json.waitingUntil) : WAIT_INDEFINITELY;
	const startedMs = Date.parse(String(question.json.waitingSince));
	const timedOut: INodeExecutionData = {
		json: {
			timedOut: true,
			questionMessageId: question.json.questionMessageId,
			to: question.json.to,
			waitedSeconds: until === WAIT_INDEFINITELY ? null : Math.round((until.getTime() - startedMs) / 1000),
		},
		pairedItem: { item: 0 },
	};
	this.getExecuteData().data = { main: [[timedOut]] };
	await this.putExecutionToWait(until);
	return [output];
}

/** The waiting node's resume webhook: the trigger hands it the answer, or a newer question supersedes it. */
export async function resumeWithAnswer(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const body = this.getBodyData() as unknown as Partial<ResumeBody>;
	const startedMs = Date.parse(String(body.startedAt));
	const waitedSeconds = Number.isFinite(startedMs) ? Math.max(0, Math.round((Date.now() - startedMs) / 1000)) : null;
	let json: IDataObject;
	if (body.outcome === 'answer' && body.event && body.answer) {
		const approval = body.approval === true;
		json = {
			...(body.event as unknown as IDataObject),
			answer: body.answer as IDataObject,
			...(approval ? { approved: body.answer.id === APPROVE_ID } : {}),
			questionMessageId: body.questionMessageId,
			waitedSeconds,
		};
	} else if (body.outcome === 'superseded' && body.supersededBy) {
		json = { superseded: true, supersededBy: body.supersededBy as IDataObject, questionMessageId: body.questionMessageId, waitedSeconds };
	} else {
		this.getResponseObject().status(400).type('text/plain').send('Bad Request: not an answer from the WhatsApp Omni Trigger');
		return { noWebhookResponse: true };
	}
	return { workflowData: [[{ json, pairedItem: { item: 0 } }]] };
}
