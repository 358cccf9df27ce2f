import { CONTACTS, EXCHANGES } from './data/conversations.js';
import { hash32 } from './prng.js';

/** Share of calls that carry their prompt and completion text, in percent. */
const WITH_TEXT_PCT = 45;
/** Share of those whose text quotes an e-mail address or a phone number, in percent. */
const WITH_CONTACT_PCT = 4;

/** A 32-bit hash of a string (FNV-1a, then mixed). */
function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash32(h);
}

/**
 * The prompt and completion of a share of the calls, chosen by a hash of the trace id rather
 * than the trace's random stream, so every other figure of the demo stays as it was. A call
 * that failed before the model answered has its prompt and no completion.
 */
export function conversationText(agentId: string, traceId: string, answered: boolean): { input: string; output?: string } | undefined {
  const exchanges = EXCHANGES[agentId];
  const h = hashText(traceId);
  if (!exchanges || h % 100 >= WITH_TEXT_PCT) return undefined;
  const exchange = exchanges[(h >>> 8) % exchanges.length]!;
  const withContact = (h >>> 16) % 100 < WITH_CONTACT_PCT;
  const contact = withContact ? CONTACTS[(h >>> 24) % CONTACTS.length]! : 'the e-mail address on my account';
  const input = exchange.input.replace('{contact}', contact);
  return answered ? { input, output: exchange.output } : { input };
}
