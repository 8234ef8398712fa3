// The ticket status machine in shared/tickets.ts: legal paths, illegal ones, roles and required fields.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { allowedActions, checkTransition, RESPONDER_ACTIONS, TICKET_ACTIONS, TRANSITIONS, type TicketStatus } from '../shared/tickets.ts';
import { ACTION_BODIES, describeZodError } from '../shared/schemas.ts';

const s = (status: TicketStatus, reopenCount = 0) => ({ status, reopenCount });

test('the main path: reported → dispatched → accepted → responded → resolved → closed', () => {
  assert.equal(checkTransition(s('reported'), 'dispatch', 'leader'), { ok: true, to: 'dispatched' });
  assert.equal(checkTransition(s('dispatched'), 'accept', 'responder'), { ok: true, to: 'accepted' });
  assert.equal(checkTransition(s('accepted'), 'respond', 'responder'), { ok: true, to: 'responded' });
  assert.equal(checkTransition(s('responded'), 'resolve', 'responder'), { ok: true, to: 'resolved' });
  assert.equal(checkTransition(s('resolved'), 'close', 'duty'), { ok: true, to: 'closed' });
});

test('declined or expired offers go back to the queue, and a reopened ticket stays marked reopened', () => {
  assert.equal(checkTransition(s('dispatched'), 'decline', 'responder'), { ok: true, to: 'reported' });
  assert.equal(checkTransition(s('dispatched'), 'expire', 'system'), { ok: true, to: 'reported' });
  assert.equal(checkTransition(s('dispatched', 1), 'decline', 'responder'), { ok: true, to: 'reopened' });
  assert.equal(checkTransition(s('closed'), 'reopen', 'duty'), { ok: true, to: 'reopened' });
  assert.equal(checkTransition(s('reopened', 1), 'dispatch', 'duty'), { ok: true, to: 'dispatched' });
});

test('side paths: escalate, department accepts, resolve on its behalf; reject with a reason', () => {
  assert.equal(checkTransition(s('responded'), 'escalate', 'leader'), { ok: true, to: 'escalated' });
  assert.equal(checkTransition(s('escalated'), 'department_accept', 'duty'), { ok: true, to: 'escalated' });
  assert.equal(checkTransition(s('escalated'), 'resolve', 'duty'), { ok: true, to: 'resolved' });
  assert.equal(checkTransition(s('reported'), 'reject', 'duty'), { ok: true, to: 'rejected' });
});

test('illegal transitions name the current state and the allowed actions', () => {
  const r = checkTransition(s('closed'), 'accept', 'responder');
  assert.is(r.ok, false);
  assert.is(!r.ok && r.reason, 'state');
  assert.match(!r.ok ? r.message : '', /ticket is closed/);
  const c = checkTransition(s('reported'), 'close', 'duty');
  assert.match(!c.ok ? c.message : '', /allowed actions: .*dispatch/);
  assert.is(checkTransition(s('rejected'), 'reopen', 'duty').ok, false);
});

test('roles: managers and displays cannot act, responders cannot dispatch or close', () => {
  assert.is((checkTransition(s('reported'), 'dispatch', 'manager') as { reason: string }).reason, 'role');
  assert.is((checkTransition(s('reported'), 'dispatch', 'responder') as { reason: string }).reason, 'role');
  assert.is((checkTransition(s('resolved'), 'close', 'responder') as { reason: string }).reason, 'role');
  assert.is((checkTransition(s('dispatched'), 'expire', 'duty') as { reason: string }).reason, 'role');
});

test('a responder responds only after accepting; office staff may record a phone response directly', () => {
  assert.is(checkTransition(s('reported'), 'respond', 'responder').ok, false);
  assert.equal(checkTransition(s('reported'), 'respond', 'duty'), { ok: true, to: 'responded' });
  assert.is(checkTransition(s('escalated'), 'resolve', 'responder').ok, false);
});

test('required fields are the action schemas\' business, reported by name', () => {
  const r = ACTION_BODIES.resolve.safeParse({});
  assert.is(!r.success && describeZodError(r.error).field, 'note');
  const e = ACTION_BODIES.escalate.safeParse({ department: 'gas', reason: 'x' });
  assert.is(!e.success && describeZodError(e.error).field, 'timeLimitHours');
});

test('allowed actions for the console', () => {
  assert.equal(allowedActions(s('reported'), 'leader'), ['dispatch', 'respond', 'escalate', 'reject']);
  assert.equal(allowedActions(s('dispatched'), 'responder'), ['accept', 'decline']);
  assert.equal(allowedActions(s('closed'), 'responder'), []);
});

test('the phone\'s actions are exactly the machine\'s responder actions', () => {
  assert.equal([...RESPONDER_ACTIONS].sort(), TICKET_ACTIONS.filter((a) => TRANSITIONS[a].by.includes('responder')).sort());
});

test.run();
