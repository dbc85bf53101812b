"""Per-address (or per-account) rate limits with counters in the database, for every public form and look-up.

Used by the portal, the API and the workdesk; it imports nothing else of Pengaduan.
"""
