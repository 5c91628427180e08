# A throwaway PostgreSQL for the tests, sourced by .ci/run (or by hand: `. .ci/postgres.sh;
# postgres_start`). It installs Debian's `postgresql` when missing, runs a cluster of its own in a
# temporary directory on a free loopback port as an ordinary user (never root: PostgreSQL refuses
# it), and exports the URL and password the tests read: PARLEY_TEST_DATABASE and
# PARLEY_TEST_DATABASE_PASSWORD. postgres_stop stops it and removes the directory.

postgres_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "CI: PostgreSQL is required (apt-get install postgresql)" >&2
      return 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$dir"
}

# Runs a command as the cluster's owner: this user, or (as root) the `postgres` user the Debian
# package creates, else a user made for it.
postgres_as_owner() {
  if [ "$(id -u)" -ne 0 ]; then
    "$@"
  else
    runuser -u "$POSTGRES_OWNER" -- "$@"
  fi
}

postgres_start() {
  local bin port password
  bin=$(postgres_bin) || return 1
  if [ "$(id -u)" -eq 0 ]; then
    POSTGRES_OWNER=postgres
    if ! id "$POSTGRES_OWNER" >/dev/null 2>&1; then
      POSTGRES_OWNER=parley-ci
      id "$POSTGRES_OWNER" >/dev/null 2>&1 || useradd --system --no-create-home "$POSTGRES_OWNER"
    fi
  fi
  POSTGRES_DIR=$(mktemp -d /tmp/parley-pg.XXXXXX)
  password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$password" >"$POSTGRES_DIR/pwfile"
  [ "$(id -u)" -ne 0 ] || chown -R "$POSTGRES_OWNER" "$POSTGRES_DIR"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  postgres_as_owner "$bin/initdb" -D "$POSTGRES_DIR/data" -U parley --pwfile="$POSTGRES_DIR/pwfile" \
    --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$POSTGRES_DIR/initdb.log" 2>&1 || {
    cat "$POSTGRES_DIR/initdb.log" >&2
    return 1
  }
  rm -f "$POSTGRES_DIR/pwfile"
  postgres_as_owner "$bin/pg_ctl" -D "$POSTGRES_DIR/data" -l "$POSTGRES_DIR/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $POSTGRES_DIR -c max_connections=300 -c fsync=on" start >/dev/null || {
    cat "$POSTGRES_DIR/server.log" >&2
    return 1
  }
  POSTGRES_BIN=$bin
  export PARLEY_TEST_DATABASE="postgresql://127.0.0.1:$port/postgres?user=parley"
  export PARLEY_TEST_DATABASE_PASSWORD=$password
  echo "CI: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($POSTGRES_DIR)"
}

postgres_stop() {
  if [ -n "${POSTGRES_DIR:-}" ] && [ -d "$POSTGRES_DIR/data" ]; then
    postgres_as_owner "$POSTGRES_BIN/pg_ctl" -D "$POSTGRES_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  [ -z "${POSTGRES_DIR:-}" ] || rm -rf "$POSTGRES_DIR"
}
