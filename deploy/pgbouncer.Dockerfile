# PgBouncer from Debian's package (bookworm: 1.18), as the cluster test runs it.
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends pgbouncer && rm -rf /var/lib/apt/lists/*
COPY pgbouncer.ini /etc/pgbouncer/pgbouncer.ini
COPY pgbouncer-entrypoint.sh /usr/local/bin/pgbouncer-entrypoint.sh
RUN chmod 755 /usr/local/bin/pgbouncer-entrypoint.sh && chown -R postgres:postgres /etc/pgbouncer
USER postgres
EXPOSE 6432
ENTRYPOINT ["/usr/local/bin/pgbouncer-entrypoint.sh"]
