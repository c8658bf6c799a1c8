import { describe, expect, it } from 'vitest';
import { parseHandoffBody } from './botonic-action.js';

const botonic = {
  queue: 'Billing',
  agent_email: 'ana@example.test',
  note: 'VIP customer',
  case_extra_data: { language: 'es', url: 'https://shop.example/cart', location: 'Madrid' },
  on_finish: { payload: 'SURVEY' },
  subscribe_helpdesk_events: ['status_changed'],
};

describe('parseHandoffBody', () => {
  it('accepts the fields as JSON, with defaults', () => {
    const parsed = parseHandoffBody(botonic);
    expect(parsed.queue).toBe('Billing');
    expect(parsed.force_assign_if_not_available).toBe(true);
    expect(parsed.case_extra_data?.language).toBe('es');
    expect(parsed.on_finish).toEqual({ payload: 'SURVEY' });
  });

  it('accepts the action string verbatim, and inside _botonic_action with fields that override it', () => {
    const action = `create_case:${JSON.stringify(botonic)}`;
    expect(parseHandoffBody(action).agent_email).toBe('ana@example.test');
    const merged = parseHandoffBody({ _botonic_action: action, queue: 'Sales', priority: 3 });
    expect(merged.queue).toBe('Sales');
    expect(merged.priority).toBe(3);
    expect(merged.note).toBe('VIP customer');
  });

  it('names the problem in bad input', () => {
    expect(() => parseHandoffBody('handoff:{}')).toThrow(/not valid/);
    expect(() => parseHandoffBody('create_case:{oops')).toThrow();
    expect(() => parseHandoffBody({ subscribe_helpdesk_events: ['everything'] })).toThrow();
    expect(() => parseHandoffBody([1, 2])).toThrow();
  });
});
