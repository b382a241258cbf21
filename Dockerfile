# Dockerfile: doisoat built on Debian 12 with the packages etl/sh/deps.sh
# lists (less the PostgreSQL server: docker-compose.yml runs postgres:15
# beside it).  `docker compose up` builds it and runs the demo against
# that server.  Never used by make, the tests or CI (no Docker engine on
# the build machines): keep it in step with etl/sh/deps.sh by reading.
FROM debian:12

RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	gcc make libc6-dev pkg-config libpq-dev libssl-dev libcsv-dev libxxhash-dev \
	zlib1g-dev libutf8proc-dev libxlsxwriter-dev libcmocka-dev \
	postgresql-client time ca-certificates \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . /src
RUN make all

# Wait for the server, then the demo: write the Càng Long fixture, run it,
# load it, show the coverage table and the reporting view.
CMD ["sh", "-c", "until pg_isready -q; do sleep 1; done; exec sh etl/sh/demo.sh"]
