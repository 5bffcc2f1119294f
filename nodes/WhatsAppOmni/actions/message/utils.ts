import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { InvalidPhoneNumberError, normalizePhoneNumber } from '../../helpers/phoneNumber';
import type { E164, SendResult } from '../../providers/types';

export function readRecipient(this: IExecuteFunctions, itemIndex: number, parameter = 'to'): E164 {
	const value = this.getNodeParameter(parameter, itemIndex, '') as unknown;
	try {
		return normalizePhoneNumber(value);
	} catch (error) {
		if (!(error instanceof InvalidPhoneNumberError)) throw error;
		throw new NodeOperationError(
			this.getNode(),
			`Item ${itemIndex + 1}: "${error.value}" is not a valid WhatsApp number: ${error.reason}`,
			{
				itemIndex,
				description:
					'Give the number in international (E.164) form with its country code, e.g. +15551234567.',
			},
		);
	}
}

export function sendResultJson(result: SendResult): IDataObject {
	return {
		provider: result.provider,
		messageId: result.messageId,
		to: result.to,
		status: result.status,
		raw: result.raw as IDataObject,
	};
}
