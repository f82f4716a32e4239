-- Runs once when the postgres container first creates its data directory:
-- the owner role that runs kefu's migrations (which create the service roles).
CREATE ROLE kefu_owner LOGIN CREATEROLE;
CREATE DATABASE kefu OWNER kefu_owner ENCODING 'UTF8' TEMPLATE template0;
