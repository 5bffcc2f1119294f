import { NodeOperationError, type IDataObject, type INode, type INodeProperties } from 'n8n-workflow';

import { ValidationError } from '../../helpers/ValidationError';
import type { FlowState, FlowStateConflict } from '../../store/types';

/**
 * What Get State, Set State and Clear State share: the Expected Version option, the conflict
 * error, and the state as an output item.
 */

/** The Expected Version option of Set State (`write`) and Clear State (`clear`). */
export function expectedVersionOption(doing: 'Write' | 'Clear'): INodeProperties {
	return {
		displayName: 'Expected Version',
		name: 'expectedVersion',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0, numberPrecision: 0 },
		// eslint-disable-next-line n8n-nodes-base/node-param-description-miscased-json -- an n8n expression, written as it is typed
		description: `${doing} only if the state is still at this version, e.g. {{ $json.version }} from a Get State earlier in the workflow; 0 means only if the contact has no state. When another execution changed it first, the node fails and changes nothing.`,
	};
}

/** Expected Version when the option was added: a whole number, 0 or more. */
export function readExpectedVersion(options: IDataObject): number | undefined {
	const value = options.expectedVersion;
	if (value === undefined || value === null || value === '') return undefined;
	const version = typeof value === 'number' ? value : Number(String(value).trim());
	if (!Number.isSafeInteger(version) || version < 0) {
		throw new ValidationError(
			'Expected Version',
			`Expected Version "${String(value)}" is not a version: versions are whole numbers, 0 or more`,
			'Give the version a Get State returned ({{ $json.version }}), 0 for “only if the contact has no state”, or remove the option to write whatever the version.',
		);
	}
	return version;
}

/** Another execution wrote first: nothing was written, and the person must read again to go on. */
export function conflictError(node: INode, itemIndex: number, operation: 'Set State' | 'Clear State', contact: string, conflict: FlowStateConflict): NodeOperationError {
	const { expectedVersion, currentVersion } = conflict;
	const now = currentVersion === 0 ? `${contact} has no flow state now (version 0: never set, expired or cleared)` : `the flow state of ${contact} is at version ${currentVersion}`;
	return new NodeOperationError(node, `${operation}: ${now}, not at the Expected Version ${expectedVersion}. Another execution changed it first; nothing was written`, {
		itemIndex,
		description:
			'Read the state again with Get State and decide from what it holds now, then write with its version (for example: loop back to Get State, or enable Retry On Fail on a path that starts with Get State). Remove Expected Version to write whatever the version.',
	});
}

/** The state as Get State and Set State output it. */
export function flowStateJson(state: FlowState): IDataObject {
	return {
		state: state.document as IDataObject,
		version: state.version,
		updatedAt: state.updatedAt,
		...(state.expiresAt ? { expiresAt: state.expiresAt } : {}),
	};
}
