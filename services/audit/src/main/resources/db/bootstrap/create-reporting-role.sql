-- Creates audit's reporting role, which may read what record queries and exports read
-- and nothing else (the grants are in the changelog, 0007), under the same row-level
-- security as the app role: never BYPASSRLS, never the tables' owner. Roles are
-- cluster-wide and the service's owner role may not create roles, so a superuser runs
-- this once per cluster, like platform/devstack/.../create-service-database.sql and the
-- ledger's create-reporting-role.sql (./fleet up and compose's postgres-bootstrap.sh
-- run every services/*/src/main/resources/db/bootstrap/*.sql). Idempotent:
--
--   psql -v ON_ERROR_STOP=1 -v reporting_password=... -f create-reporting-role.sql
--
-- then start (or migrate) the service: its next migration grants the reads. A standby
-- has the role as soon as it replays this (roles replicate with the cluster).

SELECT 'CREATE ROLE audit_reporting LOGIN'
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'audit_reporting') \gexec
SELECT format('ALTER ROLE audit_reporting LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD %L',
              :'reporting_password') \gexec
