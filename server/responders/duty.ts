// Going on and off duty. Off duty ends location sharing: the latest position is removed from every screen.
import type { Sql } from '../db/connect.ts';
import type { ResponderView } from '../../shared/api.ts';
import { AppError } from '../../shared/errors.ts';
import { publish } from '../live/outbox.ts';
import { refreshDutyStatus, responderChange, selectResponders, toResponderView } from './views.ts';

export async function setDuty(sql: Sql, responderId: string, onDuty: boolean): Promise<ResponderView> {
  return sql.begin(async (tx) => {
    const [r] = await tx<{ duty_status: string }[]>`SELECT duty_status FROM responders WHERE id = ${responderId} FOR UPDATE`;
    if (!r) throw new AppError('not_found', 'no such responder');
    if (onDuty && r.duty_status === 'off_duty') {
      await tx`UPDATE responders SET duty_status = 'available', duty_since = now(), consented_location_at = coalesce(consented_location_at, now()) WHERE id = ${responderId}`;
      const changes = await refreshDutyStatus(tx, [responderId]);
      const [row] = await selectResponders(tx, tx`r.id = ${responderId}`);
      await publish(tx, changes.length ? changes : [responderChange(row)]);
      return toResponderView(row);
    }
    if (!onDuty && r.duty_status !== 'off_duty') {
      if (r.duty_status !== 'available') throw new AppError('conflict', `cannot go off duty while ${r.duty_status}: finish or hand over your ticket first`);
      await tx`UPDATE responders SET duty_status = 'off_duty', duty_since = NULL WHERE id = ${responderId}`;
      await tx`DELETE FROM latest_positions WHERE responder_id = ${responderId}`;
      const [row] = await selectResponders(tx, tx`r.id = ${responderId}`);
      await publish(tx, [responderChange(row)]);
      return toResponderView(row);
    }
    const [row] = await selectResponders(tx, tx`r.id = ${responderId}`);
    return toResponderView(row);
  });
}
