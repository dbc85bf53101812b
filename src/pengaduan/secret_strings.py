"""Random strings for credentials (session keys, tracking codes), uniform over their alphabet.

Django's get_random_string draws each symbol with its own secrets.choice() call; one draw of a number below
len(alphabet) ** length written in that base is the same distribution for a fraction of the CPU (a public
complaint makes two of them: bench/profile_intake.py)."""

import secrets


def random_string(length: int, alphabet: str) -> str:
    base = len(alphabet)
    number = secrets.randbelow(base ** length)
    symbols = []
    for _ in range(length):
        number, digit = divmod(number, base)
        symbols.append(alphabet[digit])
    return "".join(symbols)
