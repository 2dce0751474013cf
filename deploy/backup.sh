#!/usr/bin/env bash
# Back up Bimtek: the database (pg_dump, custom format) and the media folder (uploads,
# certificate PDFs) under BIMTEK_DATA_DIR, less the bulk ZIPs and merged PDFs, which are made
# again from the certificate PDFs when asked for. Reads DATABASE_URL and BIMTEK_DATA_DIR from the
# environment (the env file under systemd); writes to $1, else BIMTEK_BACKUP_DIR, else
# /var/backups/bimtek, and deletes backups older than BIMTEK_BACKUP_DAYS (14) days.
#
# Restore (web and worker stopped, the database empty or made again):
#   pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" DIR/bimtek-STAMP.dump
#   tar -xzf DIR/bimtek-media-STAMP.tar.gz -C "$BIMTEK_DATA_DIR"
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL}" "${BIMTEK_DATA_DIR:?set BIMTEK_DATA_DIR}"
dest="${1:-${BIMTEK_BACKUP_DIR:-/var/backups/bimtek}}"
stamp="$(date +%Y%m%d-%H%M%S)"
umask 077
mkdir -p "$dest" "$BIMTEK_DATA_DIR/media"
pg_dump --format=custom --no-owner --file="$dest/bimtek-$stamp.dump.part" --dbname="$DATABASE_URL"
mv "$dest/bimtek-$stamp.dump.part" "$dest/bimtek-$stamp.dump"
tar -czf "$dest/bimtek-media-$stamp.tar.gz.part" -C "$BIMTEK_DATA_DIR" \
    --exclude=media/certificates/exports media
mv "$dest/bimtek-media-$stamp.tar.gz.part" "$dest/bimtek-media-$stamp.tar.gz"
find "$dest" -maxdepth 1 -name 'bimtek-*' -mtime "+${BIMTEK_BACKUP_DAYS:-14}" -delete
echo "Backed up to $dest/bimtek-$stamp.dump and $dest/bimtek-media-$stamp.tar.gz"
