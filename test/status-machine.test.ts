// The ticket status machine in shared/tickets.ts: legal paths, illegal ones, roles and required fields.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { allowedActions, checkTransition, type TicketStatus } from '../shared/tickets.ts';

const s = (status: TicketStatus, reopenCount = 0) => ({ status, reopenCount });

test('the main path: reported → dispatched → accepted → responded → resolved → closed', () => {
  assert.equal(checkTransition(s('reported'), 'dispatch', 'leader', { responderId: '1' }), { ok: true, to: 'dispatched' });
  assert.equal(checkTransition(s('dispatched'), 'accept', 'responder'), { ok: true, to: 'accepted' });
  assert.equal(checkTransition(s('accepted'), 'respond', 'responder'), { ok: true, to: 'responded' });
  assert.equal(checkTransition(s('responded'), 'resolve', 'responder', { note: 'done' }), { ok: true, to: 'resolved' });
  assert.equal(checkTransition(s('resolved'), 'close', 'duty'), { ok: true, to: 'closed' });
});

test('declined or expired offers go back to the queue, and a reopened ticket stays marked reopened', () => {
  assert.equal(checkTransition(s('dispatched'), 'decline', 'responder'), { ok: true, to: 'reported' });
  assert.equal(checkTransition(s('dispatched'), 'expire', 'system'), { ok: true, to: 'reported' });
  assert.equal(checkTransition(s('dispatched', 1), 'decline', 'responder'), { ok: true, to: 'reopened' });
  assert.equal(checkTransition(s('closed'), 'reopen', 'duty', { reason: 'not fixed' }), { ok: true, to: 'reopened' });
  assert.equal(checkTransition(s('reopened', 1), 'dispatch', 'duty', { responderId: '2' }), { ok: true, to: 'dispatched' });
});

test('side paths: escalate, department accepts, resolve on its behalf; reject with a reason', () => {
  assert.equal(checkTransition(s('responded'), 'escalate', 'leader', { department: 'gas', reason: 'leak', timeLimitHours: 4 }), { ok: true, to: 'escalated' });
  assert.equal(checkTransition(s('escalated'), 'department_accept', 'duty'), { ok: true, to: 'escalated' });
  assert.equal(checkTransition(s('escalated'), 'resolve', 'duty', { note: 'fixed by gas co.' }), { ok: true, to: 'resolved' });
  assert.equal(checkTransition(s('reported'), 'reject', 'duty', { reason: 'duplicate' }), { ok: true, to: 'rejected' });
});

test('illegal transitions name the current state and the allowed actions', () => {
  const r = checkTransition(s('closed'), 'accept', 'responder');
  assert.is(r.ok, false);
  assert.is(!r.ok && r.reason, 'state');
  assert.match(!r.ok ? r.message : '', /ticket is closed/);
  const c = checkTransition(s('reported'), 'close', 'duty');
  assert.match(!c.ok ? c.message : '', /allowed actions: .*dispatch/);
  assert.is(checkTransition(s('rejected'), 'reopen', 'duty', { reason: 'x' }).ok, false);
});

test('roles: managers and displays cannot act, responders cannot dispatch or close', () => {
  assert.is((checkTransition(s('reported'), 'dispatch', 'manager', { responderId: '1' }) as { reason: string }).reason, 'role');
  assert.is((checkTransition(s('reported'), 'dispatch', 'responder', { responderId: '1' }) as { reason: string }).reason, 'role');
  assert.is((checkTransition(s('resolved'), 'close', 'responder') as { reason: string }).reason, 'role');
  assert.is((checkTransition(s('dispatched'), 'expire', 'duty') as { reason: string }).reason, 'role');
});

test('a responder responds only after accepting; office staff may record a phone response directly', () => {
  assert.is(checkTransition(s('reported'), 'respond', 'responder').ok, false);
  assert.equal(checkTransition(s('reported'), 'respond', 'duty'), { ok: true, to: 'responded' });
  assert.is(checkTransition(s('escalated'), 'resolve', 'responder', { note: 'x' }).ok, false);
});

test('required fields are reported by name', () => {
  const r = checkTransition(s('responded'), 'resolve', 'responder', {});
  assert.equal(!r.ok && [r.reason, r.missing], ['missing', 'note']);
  const e = checkTransition(s('reported'), 'escalate', 'duty', { department: 'gas', reason: 'x' });
  assert.is(!e.ok && e.missing, 'timeLimitHours');
});

test('allowed actions for the console', () => {
  assert.equal(allowedActions(s('reported'), 'leader'), ['dispatch', 'respond', 'escalate', 'reject']);
  assert.equal(allowedActions(s('dispatched'), 'responder'), ['accept', 'decline']);
  assert.equal(allowedActions(s('closed'), 'responder'), []);
});

test.run();
