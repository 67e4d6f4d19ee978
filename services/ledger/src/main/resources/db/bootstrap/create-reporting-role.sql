-- Creates the ledger's reporting role, which may read the FinOps views and nothing
-- else (the grants are in the changelog, 0006). Roles are cluster-wide and the
-- service's owner role may not create roles, so a superuser runs this once per
-- cluster, like platform/devstack/.../create-service-database.sql. Idempotent:
--
--   psql -v ON_ERROR_STOP=1 -v reporting_password=... -f create-reporting-role.sql
--
-- then start (or migrate) the service: its next migration grants the views.

SELECT 'CREATE ROLE ledger_reporting LOGIN'
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ledger_reporting') \gexec
SELECT format('ALTER ROLE ledger_reporting LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD %L',
              :'reporting_password') \gexec
