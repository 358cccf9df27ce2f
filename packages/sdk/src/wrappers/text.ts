/** Prompt and completion text out of provider requests and answers, whatever shape they take. */

/** A message's content: a string, or the text of its parts (`{ type: 'text', text }` and alike). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) => {
      if (typeof part === 'string') return part;
      const text = (part as { text?: unknown } | null)?.text;
      return typeof text === 'string' ? text : '';
    })
    .filter((text) => text !== '')
    .join('\n');
}

/** A conversation as `role: text` paragraphs, the system prompt first. */
export function conversationText(messages: unknown, system?: unknown): string | undefined {
  const lines: string[] = [];
  const systemText = contentText(system);
  if (systemText) lines.push(`system: ${systemText}`);
  if (typeof messages === 'string') lines.push(`user: ${messages}`);
  else if (Array.isArray(messages)) {
    for (const message of messages as Array<{ role?: unknown; content?: unknown } | null>) {
      const text = contentText(message?.content);
      if (text) lines.push(`${typeof message?.role === 'string' ? message.role : 'user'}: ${text}`);
    }
  }
  return lines.length > 0 ? lines.join('\n\n') : undefined;
}
