"""Django's database sessions, without the writes and reads that change nothing (SESSION_ENGINE).

* A new session key is not looked up first: Django asks the database whether a fresh random key (32 characters
  of 36, about 165 bits) exists, then inserts it with `must_create`, which already turns a duplicate into a new
  key (CreateError). The look-up never finds anything; the insert's unique key is the guarantee.
* A new session is one INSERT (ON CONFLICT DO NOTHING: a key taken gets a new one), without a savepoint.
* A session saved a moment ago with the same key and data is not written again when the response goes out:
  the portal saves a new complaint's session inside the complaint's own write transaction (one write lock per
  POST on SQLite), and the session middleware's save at the end of the request then has nothing to write.
* `prepare_create` encodes a new session before that transaction, so that only its INSERT runs inside.

Everything else (expiry, the cookie, cycle_key on login and after a tracking code, flush on logout) is Django's.
"""

import copy
from collections.abc import Callable

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError
from django.db import connections, router

from pengaduan import inserts
from pengaduan.secret_strings import random_string


class SessionStore(db.SessionStore):
    _written = None  # (session key, data) as last written by this store

    def _get_new_session_key(self):
        return random_string(32, VALID_KEY_CHARS)

    def save(self, must_create=False):
        if not must_create and self.session_key is not None and self._written is not None \
                and self._written == (self.session_key, self._session):
            return
        if must_create and self.session_key is not None:
            self._insert()
        else:
            super().save(must_create=must_create)
        self._written = (self.session_key, copy.deepcopy(self._session))

    def _insert(self):
        """A new session's row, one statement: a key already taken inserts nothing and gets a new key (CreateError,
        as Django's save). Django's own save wraps the insert in a savepoint, which inside the caller's
        transaction (the portal's complaint) costs two more statements while the write lock is held."""
        obj = self.create_model_instance(self._get_session(no_load=True))
        connection = connections[router.db_for_write(self.model, instance=obj)]
        if not self._insert_row(connection, obj.session_key, obj.session_data,
                                connection.ops.adapt_datetimefield_value(obj.expire_date)):
            raise CreateError

    def prepare_create(self) -> Callable[[], None]:
        """The row of this new session (it has no key yet) with its data encoded now: the function returned
        inserts it under a new key, inside the caller's transaction. Until it has run the session has no key,
        and the session middleware saves it as usual."""
        data = self.encode(self._get_session(no_load=True))
        connection = connections[router.db_for_write(self.model)]
        expiry = connection.ops.adapt_datetimefield_value(self.get_expiry_date())
        written = copy.deepcopy(self._session)

        def insert() -> None:
            key = self._get_new_session_key()

            def kept_or_taken(cursor) -> None:
                kept = key
                if cursor.fetchone() is None:  # the key was taken (165 random bits: never in practice): another
                    kept = self._get_new_session_key()
                    while not self._insert_row(connection, kept, data, expiry):
                        kept = self._get_new_session_key()
                # The session has its key once its row is written: a transaction rolled back leaves it without.
                self._session_key = kept
                self._written = (kept, written)

            # Sent with the caller's other statements where the database takes them together (pengaduan.inserts).
            inserts.execute(self._insert_sql(connection), [key, data, expiry], alias=connection.alias,
                            result=kept_or_taken)

        return insert

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

    def delete(self, session_key=None):
        super().delete(session_key)
        self._written = None

    def cycle_key(self):
        self._written = None
        super().cycle_key()
