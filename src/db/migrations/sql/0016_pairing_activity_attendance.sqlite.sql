-- Version 16: who took part
-- in a pairing activity (结对共建活动的参加人员), kept by the attendance block
-- (events/attendance.h) like meeting_attendance: members of either side of
-- the pairing, present / absent / leave. The rows live with the activity
-- (its province_code and unit_id), also for members of the other side.
CREATE TABLE pairing_activity_attendance (
  activity_id   INTEGER NOT NULL REFERENCES pairing_activities(id),
  province_code TEXT    NOT NULL,
  unit_id       INTEGER NOT NULL REFERENCES units(id),
  member_id     INTEGER NOT NULL REFERENCES members(id),
  status        TEXT    NOT NULL CHECK (status IN ('present', 'absent', 'leave')),
  PRIMARY KEY (activity_id, member_id)
);
