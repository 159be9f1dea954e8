"""
Backups of the whole database, and restoring one: `manage.py backup PATH` / `restore PATH`.

PostgreSQL: pg_dump's custom format, restored with pg_restore --clean in one transaction (a
restore that fails changes nothing). The client programs are PG_BIN's, else the PATH's, else the
newest under /usr/lib/postgresql; they must be at least the server's version. SQLite: a
consistent copy made with SQLite's online backup API, which readers and writers may use meanwhile.
A backup is written beside PATH and moved into place when complete, so PATH never holds half a backup.
"""
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    pass


def pg_program(name):
    """The path of a PostgreSQL client program (pg_dump, pg_restore)."""
    candidates = []
    if os.environ.get("PG_BIN"):
        candidates.append(Path(os.environ["PG_BIN"]) / name)
    if shutil.which(name):
        candidates.append(Path(shutil.which(name)))
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]), reverse=True)
    candidates.extend(versions)
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(f"{name} was not found: install PostgreSQL's client programs or set PG_BIN to their folder.")


def pg_environment(settings_dict):
    """libpq's variables for the connection Django uses: host, port, user, password, database."""
    env = dict(os.environ)
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": str(settings_dict.get("PORT") or ""),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSSLMODE": settings_dict.get("OPTIONS", {}).get("sslmode"),
    }
    env.update({name: value for name, value in values.items() if value})
    return env


def run_pg(program, *args, connection):
    done = subprocess.run(
        [pg_program(program), *args], env=pg_environment(connection.settings_dict), capture_output=True, text=True
    )
    if done.returncode:
        raise BackupError(f"{program} failed: {done.stderr.strip() or done.returncode}")
    return done.stdout


def sqlite_connection(connection):
    """The sqlite3 connection under Django's, opened if need be (in-memory test databases included)."""
    connection.ensure_connection()
    return connection.connection


def backup(path, *, using="default"):
    """Write a complete, consistent backup of database `using` to path."""
    connection = connections[using]
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    try:
        if connection.vendor == "postgresql":
            run_pg("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}", connection=connection)
        elif connection.vendor == "sqlite":
            with sqlite3.connect(partial) as target:
                sqlite_connection(connection).backup(target)
            target.close()
        else:
            raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def check(path, *, using="default"):
    """Raise BackupError unless path is a backup that restore() can read for database `using`."""
    connection = connections[using]
    if not Path(path).is_file():
        raise BackupError(f"{path} is not a file.")
    if connection.vendor == "postgresql":
        run_pg("pg_restore", "--list", str(path), connection=connection)
    elif connection.vendor == "sqlite":
        try:
            source = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
            try:
                [result] = source.execute("PRAGMA quick_check").fetchone()
            finally:
                source.close()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} is not a SQLite database: {error}") from error
        if result != "ok":
            raise BackupError(f"{path} is damaged: {result}")
    else:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")


def restore(path, *, using="default"):
    """Replace everything in database `using` with the backup at path."""
    check(path, using=using)
    connection = connections[using]
    if connection.vendor == "postgresql":
        connection.close()  # no session of ours holds locks on what pg_restore drops
        run_pg(
            "pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
            "--exit-on-error", f"--dbname={connection.settings_dict['NAME']}", str(path), connection=connection,
        )
    else:
        source = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
        try:
            source.backup(sqlite_connection(connection))
        finally:
            source.close()
    connection.close()
