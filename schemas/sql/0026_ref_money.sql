-- 0026 reference data for billing and claims (docs/billing.md, docs/claims.md),
-- written by `kefuctl admin load` from org.yaml (as kefu_owner) like the rest
-- of ref; every service may read it.
--   ref.parts                   the parts list: code, name, cost (minor units) and currency
--   ref.products.warranty_from  what a product's period counts from: purchase or installation
--   ref.warranty_cards          + the install date and who installed the unit
--   ref.organisations           + a provider's contract money: yearly base, deposit, the
--                                 months it covers, and the dealer that pays its reward
--   ref.lots                    lots shipped to dealers: product, quantity, ship date
-- Money is bigint minor units with an ISO 4217 code (common/base/money.h),
-- never numeric or float.

CREATE TABLE ref.parts (
    code     text   PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9_.-]{1,64}$'),
    name     text   NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    cost     bigint NOT NULL CHECK (cost >= 0),
    currency text   NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    active   bool   NOT NULL DEFAULT true
);

ALTER TABLE ref.products
    ADD COLUMN warranty_from text NOT NULL DEFAULT 'purchase'
        CHECK (warranty_from IN ('purchase', 'installation'));

-- installed_by: the authorised dealer or provider that installed the unit;
-- install_unauthorised: the card records an installation by someone who
-- is not (the first warranty exclusion).
ALTER TABLE ref.warranty_cards
    ADD COLUMN install_date date,
    ADD COLUMN installed_by text REFERENCES ref.organisations (id) DEFERRABLE INITIALLY DEFERRED,
    ADD COLUMN install_unauthorised bool NOT NULL DEFAULT false,
    ADD CONSTRAINT warranty_cards_installer_check CHECK (NOT (install_unauthorised AND installed_by IS NOT NULL));

-- A provider's contract (DOMAIN.md §6): the yearly base its reward is
-- computed from, the deposit it must keep, the dates the contract covers
-- (whole months count), and, where a dealer pays the reward on head
-- office's notice, that dealer.
ALTER TABLE ref.organisations
    ADD COLUMN contract_base  bigint CHECK (contract_base >= 0),
    ADD COLUMN currency       text   NOT NULL DEFAULT 'CNY' CHECK (currency ~ '^[A-Z]{3}$'),
    ADD COLUMN deposit        bigint NOT NULL DEFAULT 0 CHECK (deposit >= 0),
    ADD COLUMN contract_start date,
    ADD COLUMN contract_end   date,
    ADD COLUMN reward_dealer  text   REFERENCES ref.organisations (id) DEFERRABLE INITIALLY DEFERRED,
    ADD CONSTRAINT organisations_contract_dates_check
        CHECK (contract_end IS NULL OR contract_start IS NULL OR contract_end >= contract_start);

CREATE TABLE ref.lots (
    lot          text PRIMARY KEY CHECK (lot ~ '^[A-Za-z0-9_.-]{1,64}$'),
    product_code text NOT NULL REFERENCES ref.products (code),
    quantity     int  NOT NULL CHECK (quantity > 0),
    ship_date    date NOT NULL,
    dealer_id    text NOT NULL REFERENCES ref.organisations (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX lots_dealer_idx ON ref.lots (dealer_id);

GRANT SELECT ON ref.parts, ref.lots
    TO kefu_intake, kefu_dispatch, kefu_qc, kefu_billing, kefu_callback, kefu_claims;
