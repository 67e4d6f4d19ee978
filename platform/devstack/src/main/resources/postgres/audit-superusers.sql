-- Superuser sessions are recorded in full: pgaudit.log = 'all' (reads, writes, DDL,
-- role changes, functions, SET) on every role that is a superuser, on top of the
-- cluster-wide 'ddl, role' that every session logs. Run by ./fleet up as a superuser
-- after pgaudit is loaded (shared_preload_libraries); idempotent, and a superuser
-- created since the last run is covered by the next one. Parameters stay off
-- (pgaudit.log_parameter, cluster-wide): the statement text is the record.
-- docs/admin-access.md shows where the lines go and how to read them.
SELECT format('ALTER ROLE %I SET pgaudit.log = %L', rolname, 'all')
  FROM pg_roles
 WHERE rolsuper
   AND NOT coalesce(
         (SELECT 'pgaudit.log=all' = ANY (setconfig) FROM pg_db_role_setting
           WHERE setrole = pg_roles.oid AND setdatabase = 0),
         false)
 ORDER BY rolname \gexec
