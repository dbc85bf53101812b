"""Counters behind the public rate limits, kept in the database so that every app server sees them."""

from django.db import models

CAP_CONSTRAINT = "throttle_within_cap"


class ThrottleCounter(models.Model):
    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)
    # The most hits the last attempt counted may make (None: counted on, however many): an attempt counted in the
    # transaction of what it does is refused by the database itself (throttle.prepare_count).
    cap = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        # The table, constraint and index keep the names they had when the counters belonged to the portal
        # (moved without touching the database, see migration 0001).
        db_table = "portal_throttlecounter"
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="portal_throttlecounter_unique_window"),
            models.CheckConstraint(condition=models.Q(hits__lte=models.F("cap")) | models.Q(cap__isnull=True),
                                   name=CAP_CONSTRAINT),
        ]
        # Clean-up of old windows.
        indexes = [models.Index(fields=["window_start"], name="portal_throttle_window")]

    def __str__(self):
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M}: {self.hits}"
