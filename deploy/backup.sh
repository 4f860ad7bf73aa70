#!/usr/bin/env bash
# A backup of the shop: its PostgreSQL database and its uploaded files.
#
#   deploy/backup.sh [folder]        (default /var/backups/millet)
#
# Reads DATABASE_URL, MEDIA_ROOT and PRIVATE_MEDIA_ROOT as the site does (defaults:
# media/ and var/private/ in this checkout). Writes, named by the UTC time:
#   millet-<time>.dump             the database, pg_dump's custom format (deploy/restore.sh)
#   millet-<time>-media.tar.gz     product and story images
#   millet-<time>-private.tar.gz   shoppers' repair photos (personal data: keep it as safe)
# A file appears under its final name only once complete. Keeps the newest
# BACKUP_KEEP (default 14) of each kind and deletes older ones.
set -euo pipefail
umask 077
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
folder="${1:-/var/backups/millet}"
keep="${BACKUP_KEEP:-14}"
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL is not a PostgreSQL database (postgres://…)" >&2; exit 2 ;;
esac
absolute() { case "$1" in /*) echo "$1" ;; *) echo "$root/$1" ;; esac; }
media="$(absolute "${MEDIA_ROOT:-media}")"
private="$(absolute "${PRIVATE_MEDIA_ROOT:-var/private}")"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$folder"

pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" \
  --file="$folder/millet-$stamp.dump.part"
mv "$folder/millet-$stamp.dump.part" "$folder/millet-$stamp.dump"
echo "$folder/millet-$stamp.dump"

archive() {  # archive NAME FOLDER: the folder's content, or nothing when it does not exist
  [ -d "$2" ] || return 0
  tar --create --gzip --file="$folder/millet-$stamp-$1.tar.gz.part" --directory="$2" .
  mv "$folder/millet-$stamp-$1.tar.gz.part" "$folder/millet-$stamp-$1.tar.gz"
  echo "$folder/millet-$stamp-$1.tar.gz"
}
archive media "$media"
archive private "$private"

for pattern in 'millet-*Z.dump' 'millet-*-media.tar.gz' 'millet-*-private.tar.gz'; do
  find "$folder" -maxdepth 1 -name "$pattern" | sort -r | tail -n +"$((keep + 1))" \
    | xargs -r rm --
done
