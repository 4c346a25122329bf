from django.db import connection
from django.db.models.expressions import RawSQL


def bad(table, name):
    with connection.cursor() as cursor:
        # ruleid: no-raw-sql-formatting
        cursor.execute(f"SELECT * FROM {table}")
        # ruleid: no-raw-sql-formatting
        cursor.execute("SELECT * FROM person WHERE name = '%s'" % name)
        # ruleid: no-raw-sql-formatting
        cursor.execute("SELECT * FROM person WHERE name = '{}'".format(name))
        # ruleid: no-raw-sql-formatting
        cursor.execute("SELECT * FROM person WHERE name = '" + name + "'")
    # ruleid: no-raw-sql-formatting
    return RawSQL(f"SELECT id FROM {table}", [])


def ok(name):
    with connection.cursor() as cursor:
        # ok: no-raw-sql-formatting
        cursor.execute("SELECT * FROM person WHERE name = %s", [name])
