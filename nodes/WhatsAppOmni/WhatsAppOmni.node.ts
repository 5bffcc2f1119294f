import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { resumeWithAnswer, waitForAnswer } from './actions/message/sendAndWait.operation';
import { router } from './actions/router';
import { versionDescription } from './actions/versionDescription';
import { listSearch, resourceMapping } from './methods';

export class WhatsAppOmni implements INodeType {
	description: INodeTypeDescription = versionDescription;

	methods = { listSearch, resourceMapping };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const output = await router.call(this);
		if (this.getNodeParameter('operation', 0) === 'sendAndWait') return await waitForAnswer.call(this, output[0]);
		return output;
	}

	/** Only Send and Wait for Response's resume webhook (see versionDescription). */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeWithAnswer.call(this);
	}
}
