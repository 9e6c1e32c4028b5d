#!/bin/sh
# The one user PgBouncer lets in, with the password PostgreSQL has (PgBouncer answers SCRAM with it).
set -eu
printf '"%s" "%s"\n' "${POSTGRES_USER:-keyring}" "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}" > /etc/pgbouncer/userlist.txt
exec pgbouncer /etc/pgbouncer/pgbouncer.ini
