# Backup and restore on the command line: rescuedesk backup / rescuedesk restore (PostgreSQL: pg_dump / pg_restore).
backup-done = Backup written to { $file } ({ $size }, { $seconds } s)
backup-done-replaced = Backup written to { $file }, replacing the file that was there ({ $size }, { $seconds } s)
backup-exists = { $file } exists already; add --force to replace it
backup-is-the-database = { $file } is the database file itself; a backup cannot go over it
backup-database-missing = No database file at { $database }: check database.url and the working directory
backup-failed = Backup failed: { $reason }
backup-postgres-use-pg-dump = Back up a PostgreSQL database with pg_dump, e.g. pg_dump -Fc -f rescuedesk.dump "$RESCUEDESK__DATABASE__URL" (README, "Backups")
backup-postgres-use-pg-restore = Restore a PostgreSQL database with pg_restore, e.g. pg_restore --clean --if-exists --no-owner -d "$RESCUEDESK__DATABASE__URL" rescuedesk.dump (README, "Backups")
restore-done = Backup restored to { $database } ({ $applied } database migrations)
restore-kept = The database that was there is kept as { $kept }
restore-pending = The backup is { $count ->
        [one] 1 migration
       *[other] { $count } migrations
    } behind this build; rescuedesk serve or migrate applies them when it starts
restore-unreadable = Cannot read the backup file { $file }: { $reason }
restore-not-sqlite = { $file } is not an SQLite database file; nothing was changed
restore-corrupt = The backup file { $file } is damaged ({ $detail }); nothing was changed
restore-not-rescuedesk = { $file } is not a RescueDesk database; nothing was changed
restore-newer-schema = The backup { $file } comes from a newer RescueDesk (migration { $version }; the newest this build knows is { $known }): restore it with that version; nothing was changed
restore-database-in-use = The database { $database } is in use (rescuedesk serve or worker is running): stop them first; nothing was changed
restore-database-reappeared = A program created the database { $database } while the restore ran; the old database is at { $kept }. Stop every rescuedesk process and restore again
restore-failed = Restore failed: { $reason }
