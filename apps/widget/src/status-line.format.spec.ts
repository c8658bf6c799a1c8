import { describe, expect, it } from 'vitest';
import { authorLabel, formatWait, statusLine, type ConversationView } from './status-line.format.js';

const conversation = (change: Partial<ConversationView>): ConversationView => ({
  id: 'c',
  status: 'bot',
  agentName: null,
  position: null,
  estimatedWaitSeconds: null,
  ...change,
});

describe('status line', () => {
  it('tells a waiting customer their place and the estimated wait', () => {
    expect(statusLine(conversation({ status: 'queued', position: 3, estimatedWaitSeconds: 130 }))).toBe(
      'Waiting for an agent — you are #3, about 2 min',
    );
    expect(statusLine(conversation({ status: 'queued', position: 1, estimatedWaitSeconds: null }))).toBe(
      'Waiting for an agent — you are #1',
    );
    expect(statusLine(conversation({ status: 'queued' }))).toBe('Waiting for an agent…');
  });

  it('names the agent who is helping', () => {
    expect(statusLine(conversation({ status: 'assigned', agentName: 'Dana' }))).toBe('Dana is helping you');
    expect(statusLine(conversation({ status: 'assigned' }))).toBe('An agent is helping you');
    expect(statusLine(null)).toBe('');
  });

  it('rounds waits to minutes, and says so when under one', () => {
    expect(formatWait(20)).toBe('less than a minute');
    expect(formatWait(89)).toBe('about 1 min');
    expect(formatWait(null)).toBeNull();
  });

  it('labels bot and staff messages by the author the message names', () => {
    expect(authorLabel({ authorKind: 'bot', authorName: null })).toBe('Bot');
    expect(authorLabel({ authorKind: 'agent', authorName: 'Dana' })).toBe('Dana');
    expect(authorLabel({ authorKind: 'agent', authorName: null })).toBe('Agent');
  });
});
