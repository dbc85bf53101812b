"""Pengaduan: complaint handling for Indonesian public-service units, driven by their SOP."""

__version__ = "0.1.0"
