"""Password hashing (argon2id) and policy, and the random secrets of tokens and sessions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import DEFAULT_MEMORY_COST, DEFAULT_TIME_COST

from rasd.access import passwords, tokens
from rasd.access.passwords import check_password, hash_password, needs_rehash, verify_password
from rasd.exceptions import RasdError

GOOD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fast_hashes() -> Iterator[None]:
    passwords.configure(time_cost=1, memory_cost=64)
    yield
    passwords.configure(time_cost=DEFAULT_TIME_COST, memory_cost=DEFAULT_MEMORY_COST)


def test_access_passwords_hash_and_verify() -> None:
    first, second = hash_password(GOOD), hash_password(GOOD)
    assert first.startswith("$argon2id$") and GOOD not in first
    assert first != second  # salted
    assert verify_password(first, GOOD) and verify_password(second, GOOD)


def test_access_passwords_wrong_password_is_false() -> None:
    stored = hash_password(GOOD)
    assert verify_password(stored, GOOD + "!") is False
    assert verify_password(stored, "") is False


def test_access_passwords_malformed_hash_is_false() -> None:
    for broken in ("", "not-a-hash", "$argon2id$v=19$m=8,t=1,p=1$broken"):
        assert verify_password(broken, GOOD) is False


def test_access_passwords_needs_rehash_when_parameters_change() -> None:
    cheap = hash_password(GOOD)
    assert needs_rehash(cheap) is False
    passwords.configure(time_cost=2, memory_cost=128)
    assert needs_rehash(cheap) is True
    assert needs_rehash("not-a-hash") is True


def test_access_passwords_policy_accepts_a_long_password() -> None:
    check_password(GOOD, "alice")
    check_password("x" * 12, "")


def test_access_passwords_policy_names_length_and_fix() -> None:
    with pytest.raises(RasdError) as short:
        check_password("short-pw", "alice")
    assert short.value.subject == "password"
    assert "8 characters" in short.value.problem and "12" in short.value.problem
    assert "longer" in short.value.fix
    assert "short-pw" not in str(short.value)  # never echoed


def test_access_passwords_policy_refuses_the_username() -> None:
    for password in ("alice-the-analyst", "ALICEalicealice", "xxxxAlicexxxx"):
        with pytest.raises(RasdError) as named:
            check_password(password, "alice")
        assert named.value.subject == "password"
        assert "alice" in named.value.problem
        assert "does not contain the username" in named.value.fix
        assert password not in str(named.value)


def test_access_passwords_token_secrets_and_digests() -> None:
    secret = tokens.new_secret(tokens.TOKEN_PREFIX)
    assert secret.startswith("rasd_") and len(secret) == len("rasd_") + 43
    assert tokens.new_secret() != tokens.new_secret()
    assert tokens.digest(secret) == tokens.digest(secret)
    assert len(tokens.digest(secret)) == 64 and tokens.digest(secret) != tokens.digest("x")
    assert len({tokens.new_id() for _ in range(100)}) == 100
