-- Photos are now stored only as re-encoded by server/photos/images.ts (type from the bytes, metadata such as EXIF GPS
-- removed). Rows stored before that keep checked = false and are cleaned the first time they are read.
ALTER TABLE ticket_photos ADD COLUMN checked boolean NOT NULL DEFAULT false;
