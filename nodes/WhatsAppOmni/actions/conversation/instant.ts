/**
 * Date parameters (Get Chat History's After and Before, Set State's Expires At) as instants: what
 * n8n's date field gives carries no zone, so the workflow's time zone applies.
 */
import { ValidationError } from '../../helpers/ValidationError';

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;

/** How far the zone's wall clock is ahead of UTC at `instant`, in ms. */
function zoneOffset(timeZone: string, instant: number): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(instant));
	const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const wallClock = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
	return wallClock - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a date parameter names, in ms (undefined when empty).
 * n8n's date fields give a local date-time without a zone (the workflow's time zone applies);
 * expressions may give an ISO string with a zone, a Date or a Luxon DateTime.
 */
export function readInstant(value: unknown, field: string, timeZone: string, { wholeDay = false } = {}): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (value instanceof Date) return checkInstant(value.getTime(), value, field);
	if (typeof value === 'object' && typeof (value as { toISO?: unknown }).toISO === 'function') {
		const iso = (value as { toISO(): string | null }).toISO();
		return checkInstant(iso ? Date.parse(iso) : NaN, value, field);
	}
	const text = String(value).trim();
	if (text === '') return undefined;
	const local = LOCAL_DATE_TIME.exec(text);
	if (!local) return checkInstant(Date.parse(text), text, field);
	const [, year, month, day, hour, minute, second, ms] = local;
	const dateOnly = hour === undefined;
	let wallClock = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0), Number((ms ?? '0').padEnd(3, '0')));
	// A bare date as an upper bound (wholeDay) covers that whole day.
	if (dateOnly && wholeDay) wallClock += 24 * 60 * 60 * 1000 - 1;
	if (Number.isNaN(wallClock) || new Date(wallClock).getUTCDate() !== Number(day)) return checkInstant(NaN, text, field);
	const guess = wallClock - zoneOffset(timeZone, wallClock);
	return wallClock - zoneOffset(timeZone, guess);
}

function checkInstant(time: number, value: unknown, field: string): number {
	if (Number.isNaN(time)) {
		throw new ValidationError(field, `${field} "${String(value)}" is not a valid date`, 'Pick a date in the field, or give an ISO 8601 date-time such as 2025-01-31T09:00:00Z.');
	}
	return time;
}
