"""Printed documents about a complaint (the receipt), for every layer above the engine.

What all printed documents share (Indonesian dates, the letterhead) is in `pengaduan.typesetting`, below the
SOP, so that the SOP sheet and the answer letter can use it too.
"""
