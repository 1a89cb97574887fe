import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from clusterfund.validators import cvr_is_valid, cvr_with_check_digit, validate_cvr


@pytest.mark.parametrize("cvr", ["10150817", "25313763", "10103940"])
def test_cvr_known_valid_numbers_pass(cvr):
    # Weighted sums (2,7,6,5,4,3,2,1) of these are multiples of 11, e.g. 10150817 -> 66 = 6 x 11.
    assert cvr_is_valid(cvr)
    validate_cvr(cvr)


@pytest.mark.parametrize(
    ("cvr", "code"),
    [
        ("10150818", "cvr_checksum"),
        ("1015081", "cvr_length"),
        ("101508170", "cvr_length"),
        ("1015081a", "cvr_length"),
        ("", "cvr_length"),
        ("01234567", "cvr_leading_zero"),
    ],
)
def test_cvr_invalid_numbers_are_refused_with_a_reason(cvr, code):
    with pytest.raises(ValidationError) as error:
        validate_cvr(cvr)
    assert error.value.code == code


def test_cvr_error_is_in_danish_by_default():
    with translation.override("da"):
        with pytest.raises(ValidationError) as error:
            validate_cvr("10150818")
        assert "ikke et gyldigt CVR-nummer" in str(error.value.messages[0])


def test_cvr_check_digit_completes_seven_digits():
    for first_seven in ["1015081", "2531376", "3900000", "4000000"]:
        cvr = cvr_with_check_digit(first_seven)
        assert cvr is None or cvr_is_valid(cvr)
    assert cvr_with_check_digit("1015081") == "10150817"
