import type { UnifiedEvent } from '../providers/events';

export interface EventFilter {
	events: string[];
	messageTypes: string[];
	statusValues: string[];
}

const EVENT_OPTION: Record<UnifiedEvent['event'], string> = {
	message: 'messages',
	status: 'statuses',
	identity: 'identity',
	error: 'errors',
	template: 'templates',
	account: 'account',
	// Unknown webhook kinds reach the workflow whenever anything does, so nothing new is lost.
	unsupported: '',
};

/**
 * Whether an event should start the workflow.
 *
 * Identity changes came as messages of type `system` before they had an event of their own: a
 * trigger that asks for Messages of type `system` by name still gets them (as `identity` events).
 */
export function wanted(event: UnifiedEvent, filter: EventFilter): boolean {
	const option = EVENT_OPTION[event.event];
	if (event.event === 'identity' && filter.events.includes('messages') && filter.messageTypes.includes('system')) return true;
	if (option && !filter.events.includes(option)) return false;
	if (event.event === 'unsupported' && filter.events.length === 0) return false;
	if (event.event === 'message' && filter.messageTypes.length > 0) {
		return filter.messageTypes.includes(event.message?.type ?? 'unsupported');
	}
	if (event.event === 'status' && filter.statusValues.length > 0) {
		return filter.statusValues.includes(event.status?.status ?? '');
	}
	return true;
}
