"""The address of a named page whose arguments are whole numbers (a complaint's id), built from the address
reversed once per process instead of by django.urls.reverse each time.

reverse() walks the URL map and checks the candidate against the route's pattern on every call, 0.03 ms: the
public intake asks it twice (the page it redirects to, the complaint's link in the officer's message, the second
inside the write transaction), 3 % of a public POST's CPU (bench/profile_intake.py), and a staff list once a row.
Here the page is reversed once with a stand-in number in each argument's place, and later addresses are that one
with the numbers put in. Whole numbers need no quoting, so the address is the one reverse() gives.
"""

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

STAND_IN = 7_919_191_919_191  # a whole number no page address holds by itself

_addresses: dict[tuple, list[str] | None] = {}


def reverse_numbers(viewname: str, *numbers: int) -> str:
    """reverse(viewname, args=numbers), for arguments that are whole numbers (anything else: reverse()'s answer or
    its NoReverseMatch)."""
    if not all(type(number) is int for number in numbers):
        return reverse(viewname, args=numbers)
    # What reverse() depends on besides the name: the URL map, the prefix the site is served under, the language.
    key = (viewname, len(numbers), get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())
    parts = _addresses.get(key, False)
    if parts is False:
        address = reverse(viewname, args=[STAND_IN] * len(numbers))
        split = address.split(str(STAND_IN))
        # A route that changes its argument (a converter of its own) gives it back otherwise: reverse() each time.
        parts = _addresses[key] = split if len(split) == len(numbers) + 1 else None
    if parts is None:
        return reverse(viewname, args=numbers)
    address = parts[0]
    for number, after in zip(numbers, parts[1:]):
        address += str(number) + after
    return address
