/**
 * The conversation store: what the trigger and the action node remember across executions,
 * workflows and processes (DESIGN.md, "Scale" and "Contact identity"). Meta keeps no history and
 * has no status look-up, so statuses, messages, the 24-hour window and dedupe live here.
 *
 * Backends (chosen by WHATSAPP_OMNI_STORE_URL): `memory:`, `sqlite:<path>` (node:sqlite; the
 * default, in the n8n user folder) and `postgres://…` (queue mode). All of them pass the same
 * contract suite (test/store/contract.ts): no backend has semantics of its own.
 *
 * Every method is safe to call from several processes at once: writes are idempotent upserts,
 * statuses never move backwards, and nothing is ever duplicated.
 */
import type { ProviderName } from '../providers/types';

/**
 * One business number of one provider: everything is stored per scope.
 * `business` is Meta's phone number ID, or the Twilio WhatsApp sender's E.164 number.
 */
export interface StoreScope {
	provider: ProviderName;
	business: string;
}

/**
 * A person, as far as an event or a "To" names them. The store links a phone number and a BSUID
 * whenever one call carries both, so a later look-up by either finds the same contact.
 * At least one of the two is required.
 */
export interface ContactRef {
	/** E.164, e.g. `+15551234567`. */
	phoneNumber?: string;
	/** Business-scoped user ID, e.g. `US.13491208655302741918`. */
	userId?: string;
}

export type Direction = 'inbound' | 'outbound';

export interface MessageRecord {
	/** The provider's message ID (wamid.… / SM…); unique per scope. */
	id: string;
	direction: Direction;
	contact: ContactRef;
	/** The unified message type: text, image, template, interactive… */
	type: string;
	text?: string;
	/** Provider media IDs or URLs the message carried. */
	mediaIds?: string[];
	/** Outbound templates: the template's name (Meta) or Content SID (Twilio). */
	templateName?: string;
	/** ISO 8601. */
	timestamp: string;
	/** Inbound: the name the person shows (kept as the contact's last shown name). */
	contactName?: string;
}

export interface StatusError {
	code: number | string;
	title?: string;
	message?: string;
	details?: string;
}

export interface StatusRecord {
	messageId: string;
	/** As the unified event says it: sent, delivered, read, played, failed, undelivered, queued… */
	status: string;
	/** ISO 8601: when the provider says the status happened. */
	timestamp: string;
	/** The person the message went to, when the status names them. */
	contact?: ContactRef;
	errors?: StatusError[];
	pricing?: Record<string, unknown>;
}

/** A message's status as the store knows it. */
export interface StoredStatus {
	messageId: string;
	/** The furthest status reached (order in STATUS_RANK; failed and undelivered are final). */
	status: string;
	timestamp: string;
	/** Every distinct status received, oldest first (by the provider's time; within one time by rank, then arrival). */
	history: Array<{ status: string; timestamp: string; errors?: StatusError[] }>;
	errors?: StatusError[];
	pricing?: Record<string, unknown>;
}

export interface StoredMessage extends MessageRecord {
	/** Outbound messages: their status, once one arrived. */
	status?: StoredStatus;
}

export interface StoredContact {
	phoneNumber?: string;
	userId?: string;
	/** The last name the person showed in an inbound message. */
	name?: string;
	/** ISO 8601 of the last inbound message: the 24-hour window runs from here. */
	lastInboundAt?: string;
}

export interface HistoryQuery {
	/** At most this many messages (newest first). */
	limit: number;
	/** Inclusive bounds, ISO 8601. */
	after?: string;
	before?: string;
	/** From a previous page's `nextCursor`. */
	cursor?: string;
}

export interface HistoryPage {
	/** Newest first. */
	messages: StoredMessage[];
	/** Present when more messages match. */
	nextCursor?: string;
}

/** How many rows a prune deleted, per kind. */
export interface PruneResult {
	messages: number;
	/** Expired claimEvent keys. */
	events: number;
	/** Statuses whose latest change is older than the cut-off (with or without their message). */
	statuses: number;
	/** Contacts without messages and flow state whose last activity is older than the cut-off. */
	contacts: number;
	/** Flow states past their expiry, and flow states (or cleared ones) untouched since the cut-off. */
	flowStates: number;
	/** Waits past their time limit, and waits (or ended ones) untouched since the cut-off. */
	waits: number;
	/** Delivery tallies not counted since the cut-off. */
	deliveries: number;
}

/** The largest flow state document, in UTF-8 bytes of its JSON. */
export const MAX_FLOW_STATE_BYTES = 64 * 1024;

/** A JSON object: a flow state's document. */
export type FlowStateDocument = Record<string, unknown>;

/** A contact's flow state as Get State finds it (an expired or cleared state is not found). */
export interface FlowState {
	document: FlowStateDocument;
	/** 1 for the first write; every write (and a clear) adds one. */
	version: number;
	/** ISO 8601 of the last write. */
	updatedAt: string;
	/** ISO 8601: from then on the state reads as absent. */
	expiresAt?: string;
}

export interface FlowStateWrite {
	document: FlowStateDocument;
	/**
	 * `merge`: the document is a JSON Merge Patch (RFC 7396) on the current state: objects merge
	 * key by key, `null` removes a key, anything else replaces. `replace`: the document becomes the state.
	 */
	mode: 'merge' | 'replace';
	/** ISO 8601, in the future. Every write sets the expiry anew: without one, the state never expires. */
	expiresAt?: string;
	/**
	 * Compare-and-set: written only when the current version is this one (0: only when there is no
	 * state, or it expired or was cleared). Otherwise nothing changes and a conflict is returned.
	 */
	expectedVersion?: number;
}

/** A write or clear refused because the state is not at the version the caller expected. */
export interface FlowStateConflict {
	conflict: true;
	expectedVersion: number;
	/** 0 when there is no state (never set, expired or cleared). */
	currentVersion: number;
}

export interface FlowStateCleared {
	/** False when there was no state to clear (never set, expired or already cleared). */
	cleared: boolean;
	/** The version the state had when it was cleared. */
	version?: number;
}

export function isFlowStateConflict(result: object): result is FlowStateConflict {
	return (result as Partial<FlowStateConflict>).conflict === true;
}

/** A choice offered by a Send and Wait question: a reply button or a list row. */
export interface WaitChoice {
	id: string;
	title: string;
}

/**
 * A Send and Wait execution waiting for one contact's answer: at most one per business number
 * and contact (a newer wait supersedes it). The trigger that receives the contact's next
 * message ends the wait and resumes the execution through `resumeUrl`.
 */
export interface Wait {
	/** n8n's execution ID and the waiting node's ID: unique per wait. */
	id: string;
	executionId: string;
	/** n8n's signed resume URL of the waiting node (a secret: it resumes the execution). */
	resumeUrl: string;
	/** The question's message ID. */
	questionMessageId: string;
	/** `any`: the contact's next message is the answer; `choices`: only a tap on one of `choices`. */
	accept: 'any' | 'choices';
	choices: WaitChoice[];
	/** An Approval question: the answer says `approved`. */
	approval?: boolean;
	/** Sent back when Accept is `choices` and the contact wrote something else; empty: nothing. */
	reprompt?: string;
	/** ISO 8601 */
	startedAt: string;
	/** ISO 8601: n8n resumes the execution as timed out then; absent: no limit. */
	expiresAt?: string;
}

/**
 * A WhatsApp Omni Trigger node of a published workflow listening on one registration `target`
 * (provider, account and the number, sender, service or app the provider's webhook is set on).
 * One of them, the holder, is where the provider delivers; it forwards to the others.
 */
export interface Listener {
	target: string;
	workflowId: string;
	nodeId: string;
	/** Its production webhook URL. */
	url: string;
	/** What its handshake tokens are bound to (Meta): workflow, node and webhook. */
	binding?: string;
	holder: boolean;
	/** The holder's registration, so whichever listener holds it can undo it. */
	registration?: Record<string, unknown>;
	/** ISO 8601 of its last activation. */
	updatedAt: string;
}

/** Webhook deliveries to one business number's triggers, by outcome. */
export interface DeliveryTally {
	/** Undefined: accepted. Otherwise why the trigger refused it. */
	rejectedBecause?: string;
	count: number;
	firstAt: string;
	lastAt: string;
}

export interface ConversationStore {
	readonly kind: 'memory' | 'sqlite' | 'postgres';
	/** Where it is, for messages: never a password. */
	readonly description: string;

	/** Records a message in or out. Recording the same ID again changes nothing. */
	recordMessage(scope: StoreScope, message: MessageRecord): Promise<void>;
	/**
	 * Records a status of a message (which need not be known yet: statuses may come first).
	 * Returns the message's status afterwards. Never moves the latest status backwards.
	 */
	recordStatus(scope: StoreScope, status: StatusRecord): Promise<StoredStatus>;
	/** A person's phone number or BSUID changed: their rows follow them (moved, never forked). */
	recordIdentityChange(scope: StoreScope, previous: ContactRef, current: ContactRef): Promise<void>;

	getStatus(scope: StoreScope, messageId: string): Promise<StoredStatus | undefined>;
	getHistory(scope: StoreScope, contact: ContactRef, query: HistoryQuery): Promise<HistoryPage>;
	getContact(scope: StoreScope, contact: ContactRef): Promise<StoredContact | undefined>;

	/**
	 * Dedupe across processes: true for the first claim of `key` in `namespace` within `ttlMs`,
	 * false for every later one (in any process).
	 */
	claimEvent(namespace: string, key: string, ttlMs: number): Promise<boolean>;

	/**
	 * A contact's flow state, shared by every process; undefined when there is none (never set,
	 * expired or cleared). A phone number and its linked BSUID find the same state.
	 */
	getFlowState(scope: StoreScope, contact: ContactRef): Promise<FlowState | undefined>;
	/**
	 * Merges into or replaces a contact's flow state, atomically: with `expectedVersion`, a
	 * compare-and-set (of many simultaneous writes expecting one version, exactly one wins).
	 * Throws FlowStateTooLargeError, before writing, when the resulting document exceeds MAX_FLOW_STATE_BYTES.
	 */
	setFlowState(scope: StoreScope, contact: ContactRef, write: FlowStateWrite): Promise<FlowState | FlowStateConflict>;
	/** Removes a contact's flow state; with `expectedVersion`, only at that version (0: only when there is none). */
	clearFlowState(scope: StoreScope, contact: ContactRef, expectedVersion?: number): Promise<FlowStateCleared | FlowStateConflict>;

	/**
	 * Records that an execution waits for the contact's answer. Returns the wait it replaced (a
	 * live one for the same contact, which its caller must resume as superseded), if any.
	 */
	startWait(scope: StoreScope, contact: ContactRef, wait: Wait): Promise<Wait | undefined>;
	/** The live wait for the contact, without ending it. */
	findWait(scope: StoreScope, contact: ContactRef): Promise<Wait | undefined>;
	/**
	 * Ends the wait `id` if it is still the contact's live wait, and returns it: of several
	 * processes ending the same wait, exactly one gets it back.
	 */
	endWait(scope: StoreScope, contact: ContactRef, id: string): Promise<Wait | undefined>;

	/** Adds or refreshes a listener (its holder flag and registration are kept). */
	addListener(listener: Omit<Listener, 'updatedAt' | 'holder' | 'registration'>): Promise<void>;
	/** The target's listeners, the holder first, then by activation time. */
	listListeners(target: string): Promise<Listener[]>;
	/** The listeners with this webhook URL (of any target). */
	listenersAt(url: string): Promise<Listener[]>;
	/** False when it was not there. */
	removeListener(target: string, workflowId: string, nodeId: string): Promise<boolean>;
	/** Makes this listener the holder with `registration`, and every other listener of the target not. */
	setHolder(target: string, workflowId: string, nodeId: string, registration: Record<string, unknown> | undefined): Promise<void>;

	/** Counts one delivery to a trigger of `scope`: accepted, or rejected because of `reason`. */
	recordDelivery(scope: StoreScope, rejectedBecause?: string): Promise<void>;
	getDeliveries(scope: StoreScope): Promise<DeliveryTally[]>;

	/** Deletes messages (and their statuses) older than `olderThan`, expired event claims and flow states. */
	prune(olderThan: Date): Promise<PruneResult>;
	close(): Promise<void>;
}

/** Status order: a status never replaces one of a higher rank. failed and undelivered are final. */
export const STATUS_RANK: Record<string, number> = {
	accepted: 0,
	scheduled: 0,
	queued: 0,
	sending: 0,
	sent: 1,
	delivered: 2,
	read: 3,
	played: 4,
	failed: 9,
	undelivered: 9,
	canceled: 9,
};
