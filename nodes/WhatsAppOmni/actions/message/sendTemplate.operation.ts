import { sendDescription, sendOperation, type MessageType } from './send';
import { fields, optionFields, readTemplateContent } from './templateContent';

export const messageType: MessageType = { fields, optionFields, readContent: readTemplateContent, allowedOutsideWindow: true };

export const description = sendDescription('sendTemplate', messageType);

export const sendsMessages = true;

export const execute = sendOperation(messageType);
