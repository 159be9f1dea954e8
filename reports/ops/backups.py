"""
Backups of the whole database, and restoring one: `manage.py backup PATH` / `restore PATH`.

PostgreSQL: pg_dump's custom format, restored with pg_restore --clean in one transaction (a
restore that fails changes nothing). The client programs are PG_BIN's, else the PATH's, else the
newest under /usr/lib/postgresql; they must be at least the server's version. SQLite: a
consistent copy made with SQLite's online backup API, which readers and writers may use meanwhile.
A backup is written beside PATH and moved into place when complete, so PATH never holds half a backup.

The files of reports (MEDIA_ROOT: images, documents, archived sources) go to PATH.media.tar, taken
right after the database, with a manifest of each file's SHA-256. A restore first checks every file
of that archive against its manifest (a damaged archive changes nothing), then puts the database
back, then replaces MEDIA_ROOT with the archive's files, and last checks each file the restored
database names against the SHA-256 it recorded on upload: what is missing or differs is reported.
A backup without a media archive (made before files existed) restores the database alone.
"""
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import time
from pathlib import Path

from django.conf import settings
from django.db import connections

from reports.models import ArchivedSource, Document, ImageRendition, ReportImage

MANIFEST = "MANIFEST.json"
FILES = "files/"


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
    backup_media(path)


def media_archive(path):
    """Where the backup at `path` keeps the files of reports."""
    path = Path(path)
    return path.with_name(f"{path.name}.media.tar")


def sha256_of(stream):
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(2**20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def backup_media(path):
    """Every file under MEDIA_ROOT, and a manifest of their SHA-256, in one tar beside the database's backup."""
    root, target = Path(settings.MEDIA_ROOT), media_archive(path)
    partial = target.with_name(f".{target.name}.partial")
    manifest = {}
    try:
        with tarfile.open(partial, "w") as archive:
            for file in sorted(root.rglob("*")) if root.is_dir() else ():
                if file.is_file() and not file.is_symlink():
                    name = file.relative_to(root).as_posix()
                    with file.open("rb") as stream:
                        manifest[name] = sha256_of(stream)
                    archive.add(file, arcname=FILES + name, recursive=False)
            listing = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(listing), int(time.time())
            archive.addfile(info, io.BytesIO(listing))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def check_media(path):
    """Raise BackupError unless the backup's media archive (if it has one) holds each file its manifest names, intact."""
    target = media_archive(path)
    if not target.exists():
        return None
    try:
        with tarfile.open(target, "r") as archive:
            manifest = json.load(archive.extractfile(MANIFEST))
            members = {member.name[len(FILES):]: member for member in archive.getmembers() if member.name.startswith(FILES)}
            unsafe = [name for name, member in members.items() if not member.isfile() or name.startswith("/") or ".." in name.split("/")]
            if unsafe or set(members) != set(manifest):
                raise BackupError(f"{target} does not hold the files its manifest names: {sorted(set(members) ^ set(manifest)) or unsafe}")
            damaged = [name for name, member in members.items() if sha256_of(archive.extractfile(member)) != manifest[name]]
    except (tarfile.TarError, KeyError, ValueError) as error:
        raise BackupError(f"{target} is not a media archive: {error}") from error
    if damaged:
        raise BackupError(f"{target} is damaged: {len(damaged)} file(s) differ from the manifest, e.g. {damaged[0]}")
    return manifest


def check(path, *, using="default"):
    """Raise BackupError unless path is a backup that restore() can read for database `using` (its files' archive included)."""
    check_database(path, using)
    check_media(path)


def check_database(path, using):
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
    """
    Replace everything in database `using`, and the files of reports, with the backup at path.
    Returns the files the restored database names that are missing or differ from their recorded
    SHA-256 (none, for a backup whose archive holds what its database names).
    """
    check(path, using=using)
    restore_database(path, using)
    if not media_archive(path).exists():
        return []
    restore_media(path)
    return unverified_files()


def restore_database(path, using):
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


def restore_media(path):
    """MEDIA_ROOT becomes the archive's files: unpacked beside it, then swapped in."""
    root = Path(settings.MEDIA_ROOT)
    root.parent.mkdir(parents=True, exist_ok=True)
    unpacked = root.with_name(f".{root.name}.restoring")
    shutil.rmtree(unpacked, ignore_errors=True)
    unpacked.mkdir(mode=0o750)
    with tarfile.open(media_archive(path), "r") as archive:
        members = [member for member in archive.getmembers() if member.name.startswith(FILES)]
        for member in members:
            member.name = member.name[len(FILES):]
        archive.extractall(unpacked, members=members, filter="data")
    replaced = root.with_name(f".{root.name}.replaced")
    shutil.rmtree(replaced, ignore_errors=True)
    if root.exists():
        os.replace(root, replaced)
    os.replace(unpacked, root)
    shutil.rmtree(replaced, ignore_errors=True)


def unverified_files():
    """Each file a row names that is missing under MEDIA_ROOT or whose bytes differ from the SHA-256 recorded on upload."""
    root, problems = Path(settings.MEDIA_ROOT), []
    for model in (ReportImage, ImageRendition, Document, ArchivedSource):
        for name, recorded in model.objects.values_list("file", "sha256").iterator():
            stored = root / name
            if not stored.is_file():
                problems.append(f"{name}: missing")
                continue
            with stored.open("rb") as stream:
                if sha256_of(stream) != recorded:
                    problems.append(f"{name}: differs from its SHA-256")
    return problems
