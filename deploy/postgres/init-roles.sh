#!/bin/sh
# Least-privilege roles, run once by the postgres image on a fresh volume
# (/docker-entrypoint-initdb.d). Per service and for the portal: <service>_owner owns the schema
# and runs its migrations; <service>_app is what the web and worker processes connect as
# (`cqs migrate <service> --grant-to <service>_app` grants it the tables, with INSERT and
# SELECT only on the append-only logs). Passwords come from CQS_DB_PASSWORD_<SERVICE>_OWNER/_APP.
set -eu
for service in submission review scoring publication portal; do
  upper=$(echo "$service" | tr a-z A-Z)
  owner_password=$(printenv "CQS_DB_PASSWORD_${upper}_OWNER")
  app_password=$(printenv "CQS_DB_PASSWORD_${upper}_APP")
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
       -v service="$service" -v owner="${service}_owner" -v app="${service}_app" \
       -v owner_password="$owner_password" -v app_password="$app_password" <<'SQL'
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password';
CREATE ROLE :"app" LOGIN PASSWORD :'app_password';
CREATE SCHEMA :"service" AUTHORIZATION :"owner";
GRANT CONNECT ON DATABASE cqs TO :"owner", :"app";
SQL
done
# Nobody creates objects in the public schema; each role works in its own service's schema only.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -c "REVOKE CREATE ON SCHEMA public FROM PUBLIC" -c "REVOKE ALL ON DATABASE cqs FROM PUBLIC"
