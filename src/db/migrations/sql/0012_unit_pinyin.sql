-- Version 12: each unit's pinyin (拼音, "lu ding xian"), computed once at
-- import or rename so that the search by Latin letters needs no work at start.
-- NULL for rows stored before: the server fills them in once at start.
ALTER TABLE units ADD COLUMN pinyin TEXT;
