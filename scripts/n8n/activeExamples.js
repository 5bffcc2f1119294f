'use strict';
/**
 * The example workflows `npm start` publishes, one per business number (every published
 * workflow on a number gets each of its messages, so two bots on one number would both answer),
 * with what a person writing to that number in the chat page gets. test/e2e/aiAgent.e2e.ts
 * publishes the same arrangement.
 */
const ACTIVE_EXAMPLES = [
	{ file: 'interactive-menu.meta.json', number: 'Meta', answer: 'a menu of reply buttons' },
	{ file: 'ai-agent.twilio.json', number: 'Twilio', answer: "the AI agent's answer, sent through the WhatsApp Omni tool (model: the sandbox's OpenAI stand-in)" },
];

module.exports = { ACTIVE_EXAMPLES };
