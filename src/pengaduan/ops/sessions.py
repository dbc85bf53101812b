"""Django's database sessions, without the statements that change nothing (SESSION_ENGINE).

* A new session key is not looked up first: Django asks the database whether a fresh random key (32 characters
  of 36, about 165 bits) exists, then inserts it with `must_create`, which already turns a duplicate into a new
  key (CreateError). The look-up never finds anything; the insert's unique key is the guarantee.
* A new session is one INSERT (ON CONFLICT DO NOTHING: a key taken gets a new one), without a savepoint.

Everything else (expiry, the cookie, cycle_key on login and after a tracking code, flush on logout) is Django's.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError
from django.db import connections, router

from pengaduan.secret_strings import random_string


class SessionStore(db.SessionStore):
    def _get_new_session_key(self):
        return random_string(32, VALID_KEY_CHARS)

    def save(self, must_create=False):
        if must_create and self.session_key is not None:
            self._insert()
        else:
            super().save(must_create=must_create)

    def _insert(self):
        """A new session's row, one statement: a key already taken inserts nothing and gets a new key (CreateError,
        as Django's save). Django's own save wraps the insert in a savepoint, two more statements."""
        obj = self.create_model_instance(self._get_session(no_load=True))
        connection = connections[router.db_for_write(self.model, instance=obj)]
        if not self._insert_row(connection, obj.session_key, obj.session_data,
                                connection.ops.adapt_datetimefield_value(obj.expire_date)):
            raise CreateError

    def _insert_row(self, connection, key: str, data: str, expiry) -> bool:
        """False when the key is taken."""
        with connection.cursor() as cursor:
            cursor.execute(self._insert_sql(connection), [key, data, expiry])
            return cursor.fetchone() is not None

    def _insert_sql(self, connection) -> str:
        meta = self.model._meta
        quote = connection.ops.quote_name
        key_column, data_column, expiry_column = (quote(meta.get_field(name).column)
                                                  for name in ("session_key", "session_data", "expire_date"))
        return (f"INSERT INTO {quote(meta.db_table)} ({key_column}, {data_column}, {expiry_column}) "
                f"VALUES (%s, %s, %s) ON CONFLICT ({key_column}) DO NOTHING RETURNING {key_column}")
