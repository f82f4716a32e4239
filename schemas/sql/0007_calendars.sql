-- 0007 calendars: each branch's holiday calendar, and the holiday calendars
-- themselves (public holidays and make-up working days 调休), so that every
-- service computes business-time deadlines from the same data
-- (common/branch_cal.h). Written by `kefuctl admin load` (as kefu_owner)
-- from deploy/calendars/<calendar>/<year>.yaml, in the same transaction as
-- the branches; read by every service. docs/calendars.md describes them.

-- The holiday calendar a branch observes ("cn"); NULL: none (weekly hours
-- only, no public holidays).
ALTER TABLE ref.branches ADD COLUMN calendar text NULL
    CHECK (calendar ~ '^[a-z0-9_-]{1,32}$');

-- The years each holiday calendar has data for (one holiday file each). A
-- deadline that runs into a year not listed here is computed without that
-- year's holidays: kefuctl due warns, and so should every other user.
CREATE TABLE ref.calendar_years (
    calendar text NOT NULL CHECK (calendar ~ '^[a-z0-9_-]{1,32}$'),
    year     int  NOT NULL CHECK (year BETWEEN 1900 AND 2999),
    PRIMARY KEY (calendar, year)
);

-- One row per special date of a holiday calendar.
--   kind 'holiday': closed all day (as_weekday and hours NULL);
--   kind 'workday': a make-up working day, with the hours of the branch's
--     weekday as_weekday (0 = Monday … 6 = Sunday), or explicit hours
--     (["08:00-12:00", "13:00-17:00"], 1 to 8 intervals) — exactly one.
CREATE TABLE ref.calendar_days (
    calendar   text     NOT NULL CHECK (calendar ~ '^[a-z0-9_-]{1,32}$'),
    day        date     NOT NULL CHECK (day BETWEEN DATE '1900-01-01' AND DATE '2999-12-31'),
    kind       text     NOT NULL CHECK (kind IN ('holiday', 'workday')),
    as_weekday smallint NULL CHECK (as_weekday BETWEEN 0 AND 6),
    hours      jsonb    NULL CHECK (jsonb_typeof(hours) = 'array'
                                    AND jsonb_array_length(hours) BETWEEN 1 AND 8),
    name       text     NOT NULL CHECK (name <> '' AND char_length(name) <= 200),
    year       int      NOT NULL GENERATED ALWAYS AS (extract(year FROM day)::int) STORED,
    PRIMARY KEY (calendar, day),
    CHECK ((kind = 'holiday' AND as_weekday IS NULL AND hours IS NULL)
           OR (kind = 'workday' AND (as_weekday IS NULL) <> (hours IS NULL))),
    -- Every date lies in a year the calendar covers.
    FOREIGN KEY (calendar, year) REFERENCES ref.calendar_years (calendar, year)
        ON DELETE CASCADE
);

GRANT SELECT ON ref.calendar_years, ref.calendar_days
    TO kefu_intake, kefu_dispatch, kefu_qc, kefu_billing, kefu_callback, kefu_claims;
