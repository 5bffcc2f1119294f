import { openStore } from '../../nodes/WhatsAppOmni/store';
import { storeContract } from './contract';

let databases = 0;

storeContract({
	name: 'memory',
	async database() {
		const url = `memory:contract-${++databases}`;
		return {
			open: (clock) => openStore({ WHATSAPP_OMNI_STORE_URL: url }, { now: clock?.now }),
			drop: async () => undefined,
		};
	},
});
