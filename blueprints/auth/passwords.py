"""Password hashing (Argon2id at OWASP strength) and the password policy (ASVS 5.0 6.2)."""

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP Password Storage Cheat Sheet: Argon2id, 19 MiB memory, 2 iterations, 1 lane.
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)
MIN_LENGTH = 12
MAX_LENGTH = 128
# Compared against when the account does not exist, so both paths cost the same time.
_DUMMY_HASH = HASHER.hash("perspectiefjaar-dummy-password")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


@cache
def common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(line.strip().lower() for line in path.read_text().splitlines() if line.strip())


def password_problem(password: str, email: str | None = None) -> str | None:
    """A Dutch explanation of why this password is refused, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Kies een wachtwoord van minstens {MIN_LENGTH} tekens. Een zin van een paar woorden werkt goed."
    if len(password) > MAX_LENGTH:
        return f"Een wachtwoord mag hoogstens {MAX_LENGTH} tekens lang zijn."
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) < 4:
        return "Dit wachtwoord is te bekend of te eenvoudig. Kies een ander."
    if email and lowered == email.lower():
        return "Uw wachtwoord mag niet gelijk zijn aan uw e-mailadres."
    return None
