// The tracking page's live channel (shared/events.ts, TRACK_NAMESPACE): a handshake with a tracking code opens one
// ticket's public view and nothing else. Views are rebuilt when the change stream says the ticket changed, one read
// at a time per ticket (a burst of changes costs at most one more read), and only for tickets with a page open here.
import type { Namespace, Socket } from 'socket.io';
import type { Deps, Io, ServerSideEvents } from '../http/types.ts';
import { addressKey, clientAddress } from '../http/client-address.ts';
import { AppError } from '../../shared/errors.ts';
import {
  TRACK_CLIENT_EVENTS, TRACK_NAMESPACE,
  type TrackClientToServerEvents, type TrackServerToClientEvents, type TrackSocketData,
} from '../../shared/events.ts';
import { toAppError } from '../http/errors.ts';
import { eventBoundary } from '../live/boundary.ts';
import { addressRoom, trackRoom } from '../live/rooms.ts';
import { publicTicketView } from './public-view.ts';
import { ticketIdByCode } from './tracking.ts';

type TrackNamespace = Namespace<TrackClientToServerEvents, TrackServerToClientEvents, ServerSideEvents, TrackSocketData>;
type TrackSocket = Socket<TrackClientToServerEvents, TrackServerToClientEvents, ServerSideEvents, TrackSocketData>;

/** Tracking pages one ticket may have open on an instance (a family passing the link round). */
const MAX_PAGES_PER_TICKET = 10;

export interface TrackingLive { ticketsChanged(ids: string[]): void }

export function attachTracking(io: Io, deps: Pick<Deps, 'sql' | 'config' | 'log' | 'limits'>): TrackingLive {
  const { sql, config, log, limits } = deps;
  const ns = io.of(TRACK_NAMESPACE) as unknown as TrackNamespace;
  const rebuilding = new Map<string, { again: boolean }>();

  /** Sends the ticket's view to its room; reads of one ticket never overlap, so views go out in the order read. */
  function refresh(ticketId: string) {
    const busy = rebuilding.get(ticketId);
    if (busy) { busy.again = true; return; }
    const entry = { again: false };
    rebuilding.set(ticketId, entry);
    void (async () => {
      try {
        do {
          entry.again = false;
          if (!ns.adapter.rooms.has(trackRoom(ticketId))) break;
          try {
            ns.local.to(trackRoom(ticketId)).emit('track:view', await publicTicketView(sql, ticketId));
          } catch (err) {
            log.warn({ err, ticketId }, 'tracking view refresh failed');
          }
        } while (entry.again);
      } finally {
        rebuilding.delete(ticketId);
      }
    })();
  }

  ns.use(async (socket, next) => {
    try {
      const code = (socket.handshake.auth ?? {}).code;
      const ticketId = await ticketIdByCode(sql, typeof code === 'string' ? code : undefined);
      // The client behind TRUSTED_PROXIES, counted with the same key and limit as the main namespace's handshakes.
      const address = addressKey(clientAddress(socket.request, config));
      await limits.consume('live_connect_address', address);
      const rooms = ns.adapter.rooms;
      if ((rooms.get(trackRoom(ticketId))?.size ?? 0) >= MAX_PAGES_PER_TICKET) return next(new Error(`rate_limited: too many pages follow this report (at most ${MAX_PAGES_PER_TICKET})`));
      if (config.maxSocketsPerAddress > 0 && (rooms.get(addressRoom(address))?.size ?? 0) >= config.maxSocketsPerAddress) {
        return next(new Error('rate_limited: too many live connections from this address'));
      }
      socket.data = { ticketId, address };
      next();
    } catch (err) {
      const e = toAppError(err, log);
      next(new Error(e.code === 'not_found' ? 'not_found: no such tracking code' : e.code === 'rate_limited' ? e.message : e.code === 'unavailable' ? 'unavailable: database unreachable' : 'internal error'));
    }
  });

  ns.on('connection', (socket: TrackSocket) => {
    const { ticketId, address } = socket.data;
    socket.join([trackRoom(ticketId), addressRoom(address)]);
    publicTicketView(sql, ticketId).then((v) => socket.emit('track:view', v)).catch((err) => {
      log.warn({ err }, 'tracking view failed; disconnecting so the page retries');
      socket.disconnect(true);
    });
    socket.use(eventBoundary({
      socket, kind: 'tracking', table: TRACK_CLIENT_EVENTS, log,
      run: (name, _payload, ack) => {
        if (name !== 'track:get') throw new AppError('bad_request', `unknown event "${name}"`);
        return publicTicketView(sql, ticketId).then((data) => ack({ ok: true, data }));
      },
    }));
  });

  return { ticketsChanged: (ids) => { for (const id of ids) if (ns.adapter.rooms.has(trackRoom(id))) refresh(id); } };
}
