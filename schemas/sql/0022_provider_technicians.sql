-- 0022 technicians of authorised service providers. A technician belongs
-- to a branch or to a provider (ref.organisations kind 'provider'); a
-- provider's technicians take the work orders of every branch in the
-- regions it serves, by the same rules of grade, skill, shift and load
-- (docs/dispatch.md "Service providers"). The reference is checked at the
-- end of the loading transaction: `kefuctl admin load` writes technicians
-- before organisations.
ALTER TABLE ref.technicians ALTER COLUMN branch_id DROP NOT NULL;
ALTER TABLE ref.technicians
    ADD COLUMN organisation_id text REFERENCES ref.organisations (id) DEFERRABLE INITIALLY DEFERRED,
    ADD CONSTRAINT technicians_one_place_check CHECK ((branch_id IS NULL) <> (organisation_id IS NULL));
CREATE INDEX technicians_organisation_idx ON ref.technicians (organisation_id) WHERE active;
