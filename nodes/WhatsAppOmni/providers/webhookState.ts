import type { WebhookState } from './types';

/** Compares the URL a provider has registered with this trigger's. */
export function webhookState(current: string | null | undefined, ours: string, where: string): WebhookState {
	if (!current) return { state: 'absent' };
	return current === ours ? { state: 'ours' } : { state: 'elsewhere', url: current, where };
}
