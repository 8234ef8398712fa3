-- A change concerns every responder a ticket is offered or assigned to (both, between a re-offer and its answer),
-- not only one: the change stream's audience carries a list, as shared/visibility.ts's Audience does.
ALTER TABLE changes ADD COLUMN responder_ids bigint[] NOT NULL DEFAULT '{}';
UPDATE changes SET responder_ids = ARRAY[responder_id] WHERE responder_id IS NOT NULL;
ALTER TABLE changes DROP COLUMN responder_id;
