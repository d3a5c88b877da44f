-- PostgreSQL spelling of version 8: the same columns (TEXT COLLATE "C"),
-- backfilled, then NOT NULL without a default.
UPDATE members m SET province_code = un.province_code FROM units un
  WHERE un.id = m.unit_id AND m.province_code <> un.province_code;

ALTER TABLE org_covered_units ADD COLUMN province_code TEXT COLLATE "C";
UPDATE org_covered_units c SET province_code = o.province_code FROM organizations o WHERE o.id = c.org_id;

ALTER TABLE member_stage_events ADD COLUMN province_code TEXT COLLATE "C";
UPDATE member_stage_events e SET province_code = m.province_code FROM members m WHERE m.id = e.member_id;

ALTER TABLE transfers ADD COLUMN province_code TEXT COLLATE "C";
UPDATE transfers t SET province_code = m.province_code FROM members m WHERE m.id = t.member_id;

ALTER TABLE dues_standards ADD COLUMN province_code TEXT COLLATE "C";
UPDATE dues_standards d SET province_code = m.province_code FROM members m WHERE m.id = d.member_id;

ALTER TABLE dues_payments ADD COLUMN province_code TEXT COLLATE "C";
UPDATE dues_payments d SET province_code = m.province_code FROM members m WHERE m.id = d.member_id;

ALTER TABLE member_cards ADD COLUMN province_code TEXT COLLATE "C";
UPDATE member_cards c SET province_code = m.province_code FROM members m WHERE m.id = c.member_id;

ALTER TABLE card_reviews ADD COLUMN province_code TEXT COLLATE "C";
UPDATE card_reviews r SET province_code = c.province_code FROM member_cards c WHERE c.id = r.card_id;

ALTER TABLE meetings ADD COLUMN province_code TEXT COLLATE "C";
UPDATE meetings mt SET province_code = o.province_code FROM organizations o WHERE o.id = mt.org_id;

ALTER TABLE meeting_attendance ADD COLUMN province_code TEXT COLLATE "C";
UPDATE meeting_attendance a SET province_code = mt.province_code FROM meetings mt WHERE mt.id = a.meeting_id;

ALTER TABLE meeting_reviews ADD COLUMN province_code TEXT COLLATE "C";
UPDATE meeting_reviews r SET province_code = o.province_code FROM organizations o WHERE o.id = r.org_id;

ALTER TABLE org_covered_units ALTER COLUMN province_code SET NOT NULL;
ALTER TABLE member_stage_events ALTER COLUMN province_code SET NOT NULL;
ALTER TABLE transfers ALTER COLUMN province_code SET NOT NULL;
ALTER TABLE dues_standards ALTER COLUMN province_code SET NOT NULL;
ALTER TABLE dues_payments ALTER COLUMN province_code SET NOT NULL;
ALTER TABLE member_cards ALTER COLUMN province_code SET NOT NULL;
ALTER TABLE card_reviews ALTER COLUMN province_code SET NOT NULL;
ALTER TABLE meetings ALTER COLUMN province_code SET NOT NULL;
ALTER TABLE meeting_attendance ALTER COLUMN province_code SET NOT NULL;
ALTER TABLE meeting_reviews ALTER COLUMN province_code SET NOT NULL;
