#!/bin/sh
# Make sure PostgreSQL's server binaries are on this machine, for the test suite's throw-away server.
# Idempotent: does nothing when /usr/lib/postgresql/*/bin/initdb exists; otherwise installs Debian's
# `postgresql` package with apt-get (which also creates the `postgres` system user the server runs as).
set -eu

have_initdb() {
    for f in /usr/lib/postgresql/*/bin/initdb; do
        [ -x "$f" ] && return 0
    done
    return 1
}

if have_initdb; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
else
    SUDO=""
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# The package may create (and try to start) its default cluster; the tests never use it, they run their own.
$SUDO apt-get install -y -q --no-install-recommends postgresql

have_initdb || { echo "ensure-postgres: installed postgresql but found no initdb" >&2; exit 1; }
