# Dockerfile: doisoat built on Debian 12 with the packages etl/sh/deps.sh
# lists (less the PostgreSQL server: docker-compose.yml runs postgres:15
# beside it), installed with `make install` (doisoat on PATH, its man page,
# the schemas built in).  `docker compose up` builds it and runs, against
# that server, the nightly config /in/doisoat.ini when the inputs folder
# has one, else the demo; the outputs go to /out (docker-compose.yml mounts
# the host's ./inputs on /in and ./outputs on /out).  Never used by make,
# the tests or CI (no Docker engine on the build machines): keep it in step
# with etl/sh/deps.sh by reading.
FROM debian:12

RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	gcc make libc6-dev pkg-config libpq-dev libssl-dev libcsv-dev libxxhash-dev libminizip-dev libexpat1-dev libfreexl-dev \
	zlib1g-dev libutf8proc-dev libxlsxwriter-dev libcmocka-dev \
	postgresql-client time ca-certificates \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . /src
# The demo's fixture is written now, so that the container can run as any
# user; the demo's output folder (out/) is /out.
RUN make all \
 && make install PREFIX=/usr/local \
 && build/gen-fixture --out fixtures/canglong >/dev/null \
 && mkdir -p /in /out \
 && chmod 1777 /out \
 && ln -s /out /src/out

# Wait for the server; then the run of /in/doisoat.ini if there is one
# (its paths name /in/... and its out /out/...), else the demo: the
# Càng Long fixture run, loaded, and the coverage table and the
# reporting view shown.
CMD ["sh", "-c", "until pg_isready -q; do sleep 1; done; if [ -f /in/doisoat.ini ]; then exec doisoat run --config /in/doisoat.ini; fi; exec sh etl/sh/demo.sh"]
