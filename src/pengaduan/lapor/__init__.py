"""The SP4N-LAPOR! bridge: reports disposed to a unit become received complaints on the LAPOR! channel, and the
case's public follow-up goes back to LAPOR!. The JSON contract is in docs/lapor.md; everything about LAPOR!'s
wire format lives in `client.py` (requests) and `mapping.py` (fields), so a change on their side is one place.

Where a unit has no API access, `importer.py` reads the spreadsheet the LAPOR! admin panel exports through the
same mapping.
"""
