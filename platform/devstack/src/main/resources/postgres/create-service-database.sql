-- Creates one service's database, its roles and its schema. Idempotent: running it
-- twice changes nothing. The local stack, the tests (one database per test run) and
-- the docker-compose Postgres init all run this same file, as a superuser, with psql:
--
--   psql -v ON_ERROR_STOP=1 -v role_prefix=tenant -v database=tenant \
--        -v owner_password=... -v app_password=... -f create-service-database.sql
--
-- role_prefix  names the roles <role_prefix>_owner (owns the schema, runs migrations)
--              and <role_prefix>_app (reads and writes rows, nothing else), and the
--              schema <role_prefix>.
-- database     the database to create (the service name, or a per-test-run name).

\set owner :role_prefix '_owner'
\set app :role_prefix '_app'

-- Roles are cluster-wide: create them once, and keep their passwords current.
SELECT format('CREATE ROLE %I LOGIN', :'owner')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'app')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app') \gexec
SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD %L',
              :'owner', :'owner_password') \gexec
SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD %L',
              :'app', :'app_password') \gexec

SELECT format('CREATE DATABASE %I OWNER %I', :'database', :'owner')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'database') \gexec

-- Nobody but the service's own roles may even connect, and service roles reach no
-- other database: the maintenance database is the superuser's alone.
REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'database') \gexec
-- The app role may connect, nothing more: no TEMPORARY, because a temporary table
-- shadows a real one of the same name in any function whose search_path does not put
-- pg_temp last (the owner's SECURITY DEFINER functions run with the owner's rights).
-- The REVOKE takes it back from databases this script created when it still granted it.
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', :'database', :'app') \gexec
SELECT format('REVOKE TEMPORARY ON DATABASE %I FROM %I', :'database', :'app') \gexec
SELECT format('GRANT ALL ON DATABASE %I TO %I', :'database', :'owner') \gexec

\connect :database

-- One schema per service, owned by the owner role; nothing in public.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
SELECT format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', :'role_prefix', :'owner') \gexec
SELECT format('GRANT USAGE ON SCHEMA %I TO %I', :'role_prefix', :'app') \gexec
SELECT format('ALTER ROLE %I IN DATABASE %I SET search_path = %I', :'owner', :'database', :'role_prefix') \gexec
SELECT format('ALTER ROLE %I IN DATABASE %I SET search_path = %I', :'app', :'database', :'role_prefix') \gexec

-- Whatever the owner creates later (through migrations), the app role may read and
-- write rows of, and use sequences of; never DDL, never TRUNCATE. Tables that must be
-- append-only revoke UPDATE/DELETE in their own migration.
SELECT format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I',
              :'owner', :'role_prefix', :'app') \gexec
SELECT format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO %I',
              :'owner', :'role_prefix', :'app') \gexec
SELECT format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT EXECUTE ON FUNCTIONS TO %I',
              :'owner', :'role_prefix', :'app') \gexec
