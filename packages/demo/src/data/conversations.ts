/**
 * What the demo's agents are asked and answer: a few realistic exchanges per agent, the prompt
 * and the completion text of docs/API_SPEC.md §2. `{contact}` marks where an exchange may quote a
 * customer's e-mail address or phone number (so the safety page has findings to show).
 */
export interface Exchange {
  input: string;
  output: string;
}

export const CONTACTS = ['jane.doe@example.com', '+1 415 555 0134', 'm.rossi@example.org', '+44 20 7946 0958'] as const;

export const EXCHANGES: Record<string, readonly Exchange[]> = {
  'support-bot': [
    {
      input: 'Hi, my order #48213 still shows "processing" after five days. Can you check what is going on? You can reach me at {contact}.',
      output:
        'I am sorry for the wait. Order #48213 was delayed by a stock issue; it shipped this morning and should arrive within 2 business days. I have added a tracking link to your account.',
    },
    {
      input: 'How do I reset my password? The reset e-mail never arrives.',
      output:
        'The reset e-mail can take a few minutes and sometimes lands in the spam folder. If it has not arrived in 10 minutes, use "Send again" on the login page; I have also cleared a stale reset token on your account.',
    },
    {
      input: 'I was charged twice for my subscription this month. Please refund one of the charges.',
      output:
        'You are right: the renewal ran twice on the 3rd. I have refunded the duplicate charge of $29.00; it will show on your statement within 5–10 business days. Ticket #SUP-20931 tracks it.',
    },
    {
      input: 'Can I change the delivery address of an order that has already shipped? Call me on {contact} if easier.',
      output:
        'Once a parcel has left the warehouse the carrier controls the address. I have requested a redirect with the carrier; you will get a confirmation e-mail if they accept it, usually within 24 hours.',
    },
  ],
  'triage-router': [
    {
      input: 'Classify this message into one of: billing, shipping, account, technical, other.\n\n"The app crashes every time I open the settings page on Android 14."',
      output: '{"category": "technical", "confidence": 0.94, "priority": "high"}',
    },
    {
      input: 'Classify this message into one of: billing, shipping, account, technical, other.\n\n"Where is my parcel? Tracking has not moved since Tuesday."',
      output: '{"category": "shipping", "confidence": 0.97, "priority": "normal"}',
    },
  ],
  'research-assistant': [
    {
      input: 'Summarise the main findings of recent papers on retrieval-augmented generation for long documents, with citations.',
      output:
        'Three themes stand out: (1) hierarchical chunking beats fixed windows on multi-hop questions; (2) re-ranking retrieved passages with a cross-encoder gives most of the accuracy gain; (3) long-context models still benefit from retrieval beyond ~100k tokens. Sources: see the five links below.',
    },
    {
      input: 'Compare the pricing of the three largest cloud GPU providers for an 8×H100 node, on-demand and reserved.',
      output:
        'On-demand prices range from about $98 to $118 per hour for an 8×H100 node; one-year reservations cut that by 35–45 %. The cheapest on-demand option today is the smallest provider, but its regional availability is limited.',
    },
  ],
  'code-reviewer': [
    {
      input: 'Review this diff for bugs and style issues:\n\n- const total = items.reduce((a, b) => a + b.price)\n+ const total = items.reduce((a, b) => a + b.price, 0)',
      output:
        'Good fix: without the initial value, reduce() used the first item object as the accumulator, so the total became "[object Object]…". Consider also rounding to cents before display.',
    },
    {
      input: 'Review the new retry helper in src/http/retry.ts: is the backoff correct?',
      output:
        'The backoff doubles correctly but never caps: after 10 attempts the delay is over 8 minutes. Add a maximum (e.g. 30 s) and jitter, and do not retry on 4xx answers other than 429.',
    },
  ],
  'sales-copilot': [
    {
      input: 'Draft a short follow-up for the Acme Corp opportunity after yesterday\'s demo. Their contact is {contact}.',
      output:
        'Hi Sam, thanks again for your time yesterday. As promised, I am attaching the security overview and a pricing proposal for 40 seats. Would Thursday at 3 pm work for a call with your IT lead?',
    },
    {
      input: 'What is the status of the Globex renewal, and what are the risks?',
      output:
        'Globex renews in 23 days (ARR $84k). Usage is up 12 % quarter on quarter, but their champion left last month; the new owner has not logged in yet. Suggest booking an executive check-in this week.',
    },
  ],
  'data-analyst': [
    {
      input: 'Which product category had the largest drop in weekly revenue compared with last month?',
      output:
        'Outdoor equipment: weekly revenue fell from $182k to $131k (−28 %), mostly from fewer orders in the EU region after the shipping price change on the 4th. Chart and SQL attached.',
    },
    {
      input: 'Write a SQL query for the 10 customers with the highest lifetime value.',
      output:
        'SELECT customer_id, SUM(amount) AS lifetime_value FROM orders WHERE status = \'paid\' GROUP BY customer_id ORDER BY lifetime_value DESC LIMIT 10;',
    },
  ],
  'email-drafter': [
    {
      input: 'Reply politely to this customer who asks to cancel their plan and wants a call back on {contact}.',
      output:
        'Dear customer, we are sorry to see you go. Your plan has been set to cancel at the end of the current billing period, and a member of our team will call you tomorrow to confirm.',
    },
    {
      input: 'Write a two-line reminder that the invoice INV-2291 is due on Friday.',
      output: 'Hello, a friendly reminder that invoice INV-2291 ($1,240.00) is due this Friday. Thank you for settling it by then!',
    },
  ],
};
