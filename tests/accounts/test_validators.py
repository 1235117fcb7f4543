"""Username and password rules, as pure functions."""

import pytest
from django.core.exceptions import ValidationError

from accounts.validators import MaximumLengthValidator, validate_username

pytestmark = [pytest.mark.unit]


@pytest.mark.parametrize("name", ["ab", "a.b", "a_b-c", "A1", "x" * 50])
def test_valid_usernames(name):
    validate_username(name)


BAD_NAMES = [
    "a",
    "bob\n",
    "bob\r\n",
    "-bob",
    "bob_",
    ".bob",
    "bøb",
    "b ob",
    "bob\x00",
    "\uff42\uff4f\uff42",
    "",
]


@pytest.mark.parametrize("name", [*BAD_NAMES, "x" * 51])
def test_invalid_usernames(name):
    with pytest.raises(ValidationError):
        validate_username(name)


def test_long_usernames_get_pypis_message():
    with pytest.raises(ValidationError, match=r"Choose a username with 50 characters or less\."):
        validate_username("x" * 51)


def test_password_length_cap():
    MaximumLengthValidator().validate("x" * 4096)
    with pytest.raises(ValidationError, match=r"Password too long\."):
        MaximumLengthValidator().validate("x" * 4097)
