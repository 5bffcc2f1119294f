import { NodeOperationError, updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { recipientContact } from '../../helpers/conversationStore';
import { recipientAddress } from '../../helpers/recipient';
import { ValidationError } from '../../helpers/ValidationError';
import type { WhatsAppProvider } from '../../providers/types';
import { FlowStateTooLargeError } from '../../store/errors';
import { MAX_FLOW_STATE_BYTES, isFlowStateConflict, type FlowStateDocument, type FlowStateWrite } from '../../store/types';
import { conflictError, expectedVersionOption, flowStateJson, readExpectedVersion } from './flowState';
import { readInstant } from './instant';
import { contactField, readContact, requireStoreScope, writeStore } from './storeAccess';

const MINUTE_MS = 60 * 1000;
/** The longest Expires In: a year is already far past any flow (and past the store's retention). */
const MAX_EXPIRES_IN_MINUTES = 366 * 24 * 60;

const properties: INodeProperties[] = [
	contactField('Their flow state is kept in the conversation store, where every n8n process (and a later execution) finds it.'),
	{
		displayName: 'State',
		name: 'state',
		type: 'json',
		default: '{\n  "step": "ask_address"\n}',
		required: true,
		description: `A JSON object: where the contact is in the flow and what they answered so far (at most ${MAX_FLOW_STATE_BYTES / 1024} KB of JSON)`,
	},
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		default: 'merge',
		description: 'How the JSON given changes the contact’s current state',
		options: [
			{
				name: 'Merge',
				value: 'merge',
				description: 'Merge the keys given into the current state (nested objects merge too; a key set to null is removed); other keys stay',
			},
			{
				name: 'Replace',
				value: 'replace',
				description: 'The state becomes exactly the JSON given',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			expectedVersionOption('Write'),
			{
				displayName: 'Expires At',
				name: 'expiresAt',
				type: 'dateTime',
				default: '',
				description:
					'From this moment the state reads as absent (the flow is abandoned). Every Set State sets the expiry anew: without Expires In or Expires At the state stays until cleared.',
			},
			{
				displayName: 'Expires In (Minutes)',
				name: 'expiresIn',
				type: 'number',
				default: 60,
				typeOptions: { minValue: 1, maxValue: MAX_EXPIRES_IN_MINUTES },
				description:
					'This many minutes after this write the state reads as absent, e.g. 60 to abandon the flow after an hour without a step. Every Set State sets the expiry anew: without Expires In or Expires At the state stays until cleared.',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['conversation'], operation: ['setState'] } }, properties);

function readDocument(value: unknown): FlowStateDocument {
	let document = value;
	if (typeof value === 'string') {
		try {
			document = JSON.parse(value);
		} catch (error) {
			throw new ValidationError('State', `State is not valid JSON: ${(error as Error).message}`, 'Give a JSON object, e.g. {"step": "ask_address", "name": "Ana"}.');
		}
	}
	if (typeof document !== 'object' || document === null || Array.isArray(document)) {
		const got = Array.isArray(document) ? 'an array' : document === null ? 'null' : `a ${typeof document}`;
		throw new ValidationError('State', `State must be a JSON object, not ${got}`, 'Wrap the value in an object with a name, e.g. {"step": "ask_address"}.');
	}
	const bytes = Buffer.byteLength(JSON.stringify(document), 'utf8');
	if (bytes > MAX_FLOW_STATE_BYTES) {
		throw new ValidationError('State', `State is ${bytes} bytes of JSON; a flow state holds at most ${MAX_FLOW_STATE_BYTES} bytes (64 KB)`, TOO_LARGE_HINT);
	}
	return document as FlowStateDocument;
}

const TOO_LARGE_HINT =
	'Keep only what the flow needs to go on (the step, IDs, short answers) and keep larger data elsewhere (for example an n8n Data Table) with its key in the state. With Merge, set keys you no longer need to null to remove them.';

/** Expires In or Expires At as an ISO time in the future; neither: no expiry. */
function readExpiry(options: IDataObject, timeZone: string, nowMs: number): string | undefined {
	const hasIn = options.expiresIn !== undefined && options.expiresIn !== null && options.expiresIn !== '';
	const atMs = readInstant(options.expiresAt, 'Expires At', timeZone);
	if (hasIn && atMs !== undefined) {
		throw new ValidationError('Expires In (Minutes)', 'Expires In and Expires At are both set; the state can expire only one way', 'Remove one of the two options.');
	}
	if (hasIn) {
		const minutes = Number(options.expiresIn);
		if (!(Number.isFinite(minutes) && minutes > 0 && minutes <= MAX_EXPIRES_IN_MINUTES)) {
			throw new ValidationError(
				'Expires In (Minutes)',
				`Expires In "${String(options.expiresIn)}" must be a number of minutes from 1 to ${MAX_EXPIRES_IN_MINUTES}`,
				'E.g. 60 to abandon the flow after an hour; remove the option for a state that stays until cleared.',
			);
		}
		return new Date(nowMs + Math.round(minutes * MINUTE_MS)).toISOString();
	}
	if (atMs === undefined) return undefined;
	if (atMs <= nowMs) {
		throw new ValidationError(
			'Expires At',
			`Expires At (${new Date(atMs).toISOString()}) is not in the future: the state would be gone as it is written`,
			'Pick a later moment, use Expires In, or use Clear State to end the flow now.',
		);
	}
	return new Date(atMs).toISOString();
}

/**
 * Records where the contact is in a flow. The store merges or replaces atomically, so with
 * Expected Version two executions for one person (two quick messages) cannot both move the flow
 * on from the same step: the second fails and writes nothing.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, provider: WhatsAppProvider): Promise<IDataObject> {
	const recipient = readContact.call(this, itemIndex);
	const document = readDocument(this.getNodeParameter('state', itemIndex, '{}'));
	const mode = this.getNodeParameter('mode', itemIndex, 'merge') as FlowStateWrite['mode'];
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const expectedVersion = readExpectedVersion(options);
	const expiresAt = readExpiry(options, this.getTimezone(), Date.now());
	const scope = requireStoreScope(provider);
	const contact = recipientAddress(recipient);
	const write: FlowStateWrite = { document, mode, ...(expiresAt ? { expiresAt } : {}), ...(expectedVersion !== undefined ? { expectedVersion } : {}) };
	const node = this.getNode();
	const result = await writeStore(node, itemIndex, async (store) => {
		try {
			return await store.setFlowState(scope, recipientContact(recipient), write);
		} catch (error) {
			if (!(error instanceof FlowStateTooLargeError)) throw error;
			// A merge can grow a state past the limit that neither the state nor the keys given reach alone.
			throw new NodeOperationError(node, `Set State: the flow state of ${contact} would be ${error.bytes} bytes of JSON once merged; the limit is ${error.limit} bytes (64 KB). Nothing was written`, {
				itemIndex,
				description: TOO_LARGE_HINT,
			});
		}
	});
	if (isFlowStateConflict(result)) throw conflictError(node, itemIndex, 'Set State', contact, result);
	return { contact, provider: provider.name, ...flowStateJson(result) };
}
