#!/usr/bin/env bash
# Restores a backup made by deploy/backup.sh into a fresh database and media folders.
#
#   DATABASE_URL=postgres://…/new_database deploy/restore.sh millet-<time>.dump \
#       [millet-<time>-media.tar.gz [millet-<time>-private.tar.gz]]
#
# The database must exist and be empty (createdb it first): a restore never
# writes over a shop's data. The dump is restored in one transaction, so a
# failure leaves the database empty. The archives are unpacked into MEDIA_ROOT
# and PRIVATE_MEDIA_ROOT (defaults: media/ and var/private/ in this checkout).
# Then run `manage.py migrate` (a no-op when the code matches the backup) and
# start the app servers.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dump="${1:?usage: deploy/restore.sh DUMP [MEDIA_ARCHIVE [PRIVATE_ARCHIVE]]}"
: "${DATABASE_URL:?set DATABASE_URL to the fresh, empty database to restore into}"
[ -f "$dump" ] || { echo "restore.sh: no such dump: $dump" >&2; exit 2; }
absolute() { case "$1" in /*) echo "$1" ;; *) echo "$root/$1" ;; esac; }

tables="$(psql --no-psqlrc --quiet --tuples-only --no-align --dbname="$DATABASE_URL" \
  --command="SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
if [ "$tables" != "0" ]; then
  echo "restore.sh: the database already holds $tables tables; restore into a new, empty one" >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$DATABASE_URL" "$dump"
echo "database restored from $dump"

unpack() {  # unpack ARCHIVE FOLDER
  [ -n "$1" ] || return 0
  mkdir -p "$2"
  tar --extract --gzip --file="$1" --directory="$2"
  echo "$1 unpacked into $2"
}
unpack "${2:-}" "$(absolute "${MEDIA_ROOT:-media}")"
unpack "${3:-}" "$(absolute "${PRIVATE_MEDIA_ROOT:-var/private}")"
