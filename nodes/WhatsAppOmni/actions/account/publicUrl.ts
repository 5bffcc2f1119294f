/**
 * Whether a webhook URL is one Meta's and Twilio's servers can call: HTTPS, and a host on the
 * public internet (not localhost, a loopback, private or link-local address, a `.local` name or
 * a bare one-label name such as a Docker service).
 */

function ipv4Problem(octets: number[]): string | undefined {
	const [a, b] = octets;
	if (a === 127) return 'is a loopback address (127.0.0.0/8)';
	if (a === 10) return 'is a private address (10.0.0.0/8)';
	if (a === 172 && b >= 16 && b <= 31) return 'is a private address (172.16.0.0/12)';
	if (a === 192 && b === 168) return 'is a private address (192.168.0.0/16)';
	if (a === 169 && b === 254) return 'is a link-local address (169.254.0.0/16)';
	if (a === 0) return 'is not a routable address (0.0.0.0/8)';
	return undefined;
}

function parseIpv4(host: string): number[] | undefined {
	if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return undefined;
	const octets = host.split('.').map(Number);
	return octets.every((octet) => octet <= 255) ? octets : undefined;
}

function ipv6Problem(host: string): string | undefined {
	if (host === '::1') return 'is the loopback address (::1)';
	if (host === '::') return 'is not a routable address (::)';
	// IPv4-mapped (WHATWG URL writes ::ffff:127.0.0.1 as ::ffff:7f00:1).
	const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
	if (mapped) {
		const high = parseInt(mapped[1], 16);
		const low = parseInt(mapped[2], 16);
		return ipv4Problem([high >> 8, high & 255, low >> 8, low & 255]);
	}
	if (/^f[cd][0-9a-f]{0,2}:/.test(host)) return 'is a private address (fc00::/7)';
	if (/^fe[89ab][0-9a-f]?:/.test(host)) return 'is a link-local address (fe80::/10)';
	return undefined;
}

/** Why the provider cannot call `url`, or undefined when it is public HTTPS. */
export function publicHttpsProblem(url: string): string | undefined {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return 'is not a valid URL';
	}
	const problems: string[] = [];
	if (parsed.protocol !== 'https:') problems.push(`uses ${parsed.protocol.replace(/:$/, '')}, not https`);
	const host = parsed.hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
	const ipv4 = parseIpv4(host);
	let hostProblem: string | undefined;
	if (host === 'localhost' || host.endsWith('.localhost')) hostProblem = 'points at localhost';
	else if (ipv4) hostProblem = ipv4Problem(ipv4);
	else if (host.includes(':')) hostProblem = ipv6Problem(host);
	else if (host.endsWith('.local')) hostProblem = 'is a local network name (.local)';
	else if (!host.includes('.')) hostProblem = `has the host name "${host}", which is not on the public internet`;
	if (hostProblem) problems.push(`its host ${hostProblem}`);
	return problems.length ? problems.join(', and ') : undefined;
}
